import { AnnotationQueryBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS, sampleColumns, type MetricDefinition, type SampleColumn } from '@rtcpulse/schema';
import { clickhouseRef } from '../datasources.js';
import { sessionScope } from '../sql/filters.js';
import { QueryCatalog, tableSql, timeSeriesSql } from '../sql/needs.js';
import { tablePanel, timeSeriesPanel } from '../panels.js';
import { grafanaUnit } from '../units.js';
import { clickhouseVariable, peerConnectionVariable, sessionVariable, tenantVariable } from '../variables.js';
import { finishBoard, newBoard, row, type GeneratedBoard } from './board.js';

/** Event types drawn as annotations: every state change, lifecycle step and error. */
const ANNOTATED_EVENTS = ['session.start', 'session.end', 'pc.added', 'pc.closed', 'signaling.state', 'ice.gathering.state', 'ice.connection.state', 'dtls.state', 'connection.state', 'error'];

/** The webrtc-internals-style graphs per peer connection, by registry metric name. */
const GRAPHS: readonly { title: string; metrics: readonly string[] }[] = [
  { title: 'Bitrate', metrics: ['webrtc.stream.bitrate', 'webrtc.connection.available_outgoing_bitrate'] },
  { title: 'Packet loss', metrics: ['webrtc.stream.packet_loss'] },
  { title: 'Round-trip time', metrics: ['webrtc.connection.rtt', 'webrtc.stream.rtt'] },
  { title: 'Jitter and jitter buffer', metrics: ['webrtc.stream.jitter', 'webrtc.stream.jitter_buffer_delay'] },
  { title: 'Frame rate', metrics: ['webrtc.stream.frame_rate'] },
  { title: 'Freezes', metrics: ['webrtc.stream.freeze_time', 'webrtc.stream.freezes'] },
];

const SESSION_COLUMNS = ['ts', 'tenant', 'session_id'];

function columnsOf(names: readonly string[]): SampleColumn[] {
  const all = sampleColumns();
  return names.flatMap((name) => all.filter((c) => c.metric.name === name));
}

/** Raw per-sample values of one peer connection (no aggregation: every 2-s point, as webrtc-internals shows). */
export function peerConnectionSql(columns: readonly SampleColumn[]): string {
  return `SELECT ts AS time, ${columns.map((c) => c.column).join(', ')}
FROM samples
WHERE ${sessionScope()}
  AND pc_id = '\${pc}'
ORDER BY time`;
}

export const ANNOTATIONS_SQL = `SELECT ts AS time, if(type = 'error', concat(stage, ' failed: ', name), concat(type, ' → ', if(state = '', type, state))) AS text,
  pc_id AS tags
FROM events
WHERE ${sessionScope()}
  AND type IN (${ANNOTATED_EVENTS.map((t) => `'${t}'`).join(', ')})
ORDER BY time`;

export const SESSION_FACTS_SQL = `SELECT session_id, tenant, any(call_id) AS call_id, any(participant_id) AS participant, any(browser) AS browser,
  any(browser_version) AS browser_version, any(os) AS os, any(region) AS region, any(topology) AS topology,
  min(ts) AS first_sample, max(ts) AS last_sample, uniqExact(pc_id) AS peer_connections, count() AS samples
FROM samples
WHERE ${sessionScope()}
GROUP BY session_id, tenant`;

export const SESSION_EVENTS_SQL = `SELECT ts, pc_id, type, state, value, name, stage, message
FROM events
WHERE ${sessionScope()}
ORDER BY ts`;

/** Session drill-down: one call, per peer connection, like chrome://webrtc-internals. */
export function sessionBoard(): GeneratedBoard {
  const catalog = new QueryCatalog();
  const annotation = new AnnotationQueryBuilder()
    .name('State changes')
    .datasource(clickhouseRef)
    .enable(true)
    .iconColor('orange')
    .target(catalog.target(tableSql(ANNOTATIONS_SQL, { tables: { events: [...SESSION_COLUMNS, 'type', 'state', 'stage', 'name', 'pc_id'] } })).refId('Anno'));
  const board = newBoard('rtcpulse-session', 'rtcpulse · Session drill-down', 'One session, per peer connection, like chrome://webrtc-internals. Reached by clicking a session id in the other dashboards.', ['session'])
    .time({ from: 'now-3h', to: 'now' })
    .variables([clickhouseVariable(), tenantVariable(catalog), sessionVariable(), peerConnectionVariable(catalog)])
    .annotation(annotation);
  board.withRow(row('Session'));
  board.withPanel(tablePanel(catalog, { title: 'Session', description: 'Who, where and on what: the client facts of this session.', unit: 'none', w: 24, h: 4 }, tableSql(SESSION_FACTS_SQL, { tables: { samples: [...SESSION_COLUMNS, 'call_id', 'participant_id', 'browser', 'browser_version', 'os', 'region', 'topology', 'pc_id'] } })));
  board.withPanel(tablePanel(catalog, { title: 'Events', description: 'Lifecycle, state and error events of the session in order.', unit: 'none', w: 24, h: 8 }, tableSql(SESSION_EVENTS_SQL, { tables: { events: [...SESSION_COLUMNS, 'pc_id', 'type', 'state', 'value', 'name', 'stage', 'message'] } })));
  board.withRow(row('Peer connection $pc').repeat('pc'));
  const registry: readonly MetricDefinition[] = METRICS;
  for (const graph of GRAPHS) {
    const columns = columnsOf(graph.metrics);
    const first = columns[0];
    if (!first) continue;
    const unit = grafanaUnit(first.metric.unit);
    const panel = timeSeriesPanel(
      catalog,
      { title: graph.title, description: graph.metrics.map((n) => registry.find((m) => m.name === n)?.description ?? n).join(' '), unit, w: 12, h: 8 },
      [timeSeriesSql(peerConnectionSql(columns), { tables: { samples: [...SESSION_COLUMNS, 'pc_id', ...columns.map((c) => c.column)] } })],
    );
    for (const column of columns) {
      const own = grafanaUnit(column.metric.unit);
      if (own !== unit) panel.overrideByName(column.column, [{ id: 'unit', value: own }]);
    }
    board.withPanel(panel);
  }
  return finishBoard('session.json', board, catalog);
}
