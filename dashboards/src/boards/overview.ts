import { degradedColumns, degradedIntervalSql, DEGRADED_SESSION_SHARE } from '../sql/degraded.js';
import { clientScope, CLIENT_SCOPE_COLUMNS } from '../sql/filters.js';
import { QueryCatalog, tableSql, timeSeriesSql } from '../sql/needs.js';
import { promPanel, statPanel, tablePanel, timeSeriesPanel } from '../panels.js';
import { threshold } from '../thresholds.js';
import { fleetVariables } from '../variables.js';
import { finishBoard, newBoard, row, type GeneratedBoard } from './board.js';

const SAMPLES = { samples: [...CLIENT_SCOPE_COLUMNS, 'call_id', 'session_id'] };
const EVENTS = { events: [...CLIENT_SCOPE_COLUMNS, 'session_id', 'pc_id', 'type', 'state'] };

/** Calls with a sample in the last 30 s of the range. */
export const LIVE_CALLS_SQL = `SELECT uniqExact(call_id) AS live_calls
FROM samples
WHERE ${clientScope()}
  AND ts > $__toTime - INTERVAL 30 SECOND`;

/** Calls with samples per interval. */
export const CALLS_OVER_TIME_SQL = `SELECT $__timeInterval(ts) AS time, uniqExact(call_id) AS calls, uniqExact(session_id) AS participants
FROM samples
WHERE ${clientScope()}
GROUP BY time
ORDER BY time`;

/** A participant-minute is one session present (sampling) during one minute. */
export const PARTICIPANT_MINUTES_SQL = `SELECT uniqExact(session_id, toStartOfMinute(ts)) AS participant_minutes
FROM samples
WHERE ${clientScope()}`;

/**
 * Call-setup success: of the peer connections that reached an outcome in
 * range, the share whose connection state reached `connected` before or
 * without failing.
 */
export const SETUP_SUCCESS_SQL = `SELECT $__timeInterval(ts) AS time,
  100 * uniqExactIf((session_id, pc_id), state = 'connected')
    / greatest(uniqExactIf((session_id, pc_id), state IN ('connected', 'failed')), 1) AS setup_success_pct
FROM events
WHERE ${clientScope()}
  AND type = 'connection.state'
GROUP BY time
ORDER BY time`;

/** Share of sessions classified degraded (see `DEGRADED_SESSION_SHARE`). */
export function degradedShareSql(): string {
  return `SELECT 100 * countIf(degraded_share >= ${DEGRADED_SESSION_SHARE}) / greatest(count(), 1) AS degraded_sessions_pct
FROM (
  SELECT session_id, avg(${degradedIntervalSql()}) AS degraded_share
  FROM samples
  WHERE ${clientScope()}
  GROUP BY session_id
)`;
}

/** Sessions ranked by their share of degraded intervals. */
export function degradedSessionsSql(): string {
  return `SELECT session_id, tenant, any(browser) AS session_browser, any(region) AS session_region,
  round(100 * avg(${degradedIntervalSql()}), 1) AS degraded_intervals_pct, count() AS intervals, max(ts) AS last_seen
FROM samples
WHERE ${clientScope()}
GROUP BY session_id, tenant
ORDER BY degraded_intervals_pct DESC, last_seen DESC
LIMIT 20`;
}

/** Fleet overview: live calls, participant-minutes, call-setup success, degraded share, alerts firing. */
export function overviewBoard(): GeneratedBoard {
  const catalog = new QueryCatalog();
  const degradedNeeds = { tables: { samples: [...SAMPLES.samples, ...degradedColumns()] } };
  const board = newBoard('rtcpulse-overview', 'rtcpulse · Overview', 'Fleet health at a glance: live calls, participant-minutes, call-setup success, degraded sessions and firing alerts.', ['overview']).variables(fleetVariables(catalog));
  board.withRow(row('Now'));
  board.withPanel(statPanel(catalog, { title: 'Live calls', description: 'Calls with a sample in the last 30 s of the range.', unit: 'short', w: 6, h: 5 }, tableSql(LIVE_CALLS_SQL, { tables: SAMPLES })));
  board.withPanel(statPanel(catalog, { title: 'Participant-minutes', description: 'Session-minutes with samples in range.', unit: 'short', w: 6, h: 5 }, tableSql(PARTICIPANT_MINUTES_SQL, { tables: SAMPLES })));
  board.withPanel(statPanel(catalog, { title: 'Degraded sessions', description: `Sessions with at least ${DEGRADED_SESSION_SHARE * 100}% of intervals beyond a quality alert threshold.`, unit: 'percent', w: 6, h: 5, threshold: threshold('degraded-sessions') }, tableSql(degradedShareSql(), degradedNeeds)));
  board.withPanel(
    promPanel({ title: 'Alerts firing', description: 'Alerting rules firing in Prometheus, by severity.', unit: 'short', w: 6, h: 5 }, [
      { expr: 'sum by (severity) (ALERTS{alertstate="firing"})', legend: '{{severity}}' },
    ]),
  );
  board.withRow(row('Trends'));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Calls and participants', description: 'Distinct calls and sessions sampling per interval.', unit: 'short', w: 12, h: 8 }, [timeSeriesSql(CALLS_OVER_TIME_SQL, { tables: SAMPLES })]));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Call-setup success', description: 'Peer connections that reached connected, of those that reached connected or failed.', unit: 'percent', w: 12, h: 8, threshold: threshold('call-setup') }, [timeSeriesSql(SETUP_SUCCESS_SQL, { tables: EVENTS })]));
  board.withRow(row('Sessions needing attention'));
  board.withPanel(tablePanel(catalog, { title: 'Most degraded sessions', description: 'Click a session id to open its drill-down.', unit: 'none', w: 24, h: 10 }, tableSql(degradedSessionsSql(), degradedNeeds), { sessionLinks: true }));
  return finishBoard('overview.json', board, catalog);
}
