import {
  CLASSIFIED_SESSIONS_NEEDS,
  classifiedSessionsSql,
  degradedColumns,
  degradedIntervalSql,
  DEGRADED_RULE_TEXT,
  DEGRADED_SESSION_PCT,
  DEGRADED_STATE,
  mediaIntervalSql,
} from '../sql/degraded.js';
import { clientScope, CLIENT_SCOPE_COLUMNS } from '../sql/filters.js';
import { QueryCatalog, tableSql, timeSeriesSql } from '../sql/needs.js';
import { indentSql, MS_PER_MINUTE, PARTICIPANT_TIME_COLUMNS, sessionBucketsSql } from '../sql/participant-time.js';
import { promPanel, statPanel, tablePanel, timeSeriesPanel } from '../panels.js';
import { threshold } from '../thresholds.js';
import { fleetVariables } from '../variables.js';
import { finishBoard, newBoard, row, type GeneratedBoard } from './board.js';
import { collectorPanels } from './collector-panels.js';

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

/** Participant-minutes in range: the time sessions were sampling (see `sql/participant-time.ts`). */
export const PARTICIPANT_MINUTES_SQL = `SELECT sum(participant_ms) / ${MS_PER_MINUTE} AS participant_minutes
FROM (
${indentSql(sessionBucketsSql([]))}
)`;

/**
 * Call-setup success, as the call-setup SLO counts it: of the peer
 * connections created in each interval (`pc.added`), the share that did not
 * fail without ever connecting. A connection that connected and failed
 * later is a mid-call failure (ConnectionFailures, MidCallFailures), not a
 * setup failure; one still connecting counts as set up, as in the SLO.
 */
export const SETUP_SUCCESS_SQL = `SELECT $__timeInterval(added_at) AS time,
  100 * countIf(NOT setup_failed) / greatest(count(), 1) AS setup_success_pct
FROM (
  SELECT minIf(ts, type = 'pc.added') AS added_at,
    countIf(type = 'connection.state' AND state = 'failed') > 0
      AND countIf(type = 'connection.state' AND state = 'connected') = 0 AS setup_failed
  FROM events
  WHERE ${clientScope()}
    AND pc_id != ''
    AND type IN ('pc.added', 'connection.state')
  GROUP BY tenant, session_id, pc_id
  HAVING countIf(type = 'pc.added') > 0
)
GROUP BY time
ORDER BY time`;

/** Share of the sessions classified in range that the SDK classified degraded: the SLO's ratio, in percent. */
export function degradedShareSql(): string {
  return `SELECT 100 * countIf(degraded) / greatest(count(), 1) AS degraded_sessions_pct
FROM (
${indentSql(classifiedSessionsSql())}
)`;
}

/**
 * Sessions ranked by their share of degraded media intervals by the SDK's
 * rule, computed from the samples so live sessions show before the SDK
 * sends its classification at the end; `classified` is what that share
 * makes the session.
 */
export function degradedSessionsSql(): string {
  return `SELECT session_id, tenant, any(browser) AS session_browser, any(region) AS session_region,
  round(100 * countIf(${degradedIntervalSql()}) / greatest(count(), 1), 1) AS degraded_intervals_pct,
  if(degraded_intervals_pct >= ${DEGRADED_SESSION_PCT}, '${DEGRADED_STATE}', 'ok') AS classified,
  count() AS media_intervals, max(ts) AS last_seen
FROM samples
WHERE ${clientScope()}
  AND ${mediaIntervalSql()}
GROUP BY session_id, tenant
ORDER BY degraded_intervals_pct DESC, last_seen DESC
LIMIT 20`;
}

/** Fleet overview: live calls, participant-minutes, call-setup success, degraded share, alerts firing. */
export function overviewBoard(): GeneratedBoard {
  const catalog = new QueryCatalog();
  const degradedNeeds = { tables: { samples: [...CLIENT_SCOPE_COLUMNS, 'session_id', ...degradedColumns()] } };
  const board = newBoard('rtcpulse-overview', 'rtcpulse · Overview', 'Fleet health at a glance: live calls, participant-minutes, call-setup success, degraded sessions, firing alerts and the collectors themselves.', ['overview']).variables(fleetVariables(catalog));
  board.withRow(row('Now'));
  board.withPanel(statPanel(catalog, { title: 'Live calls', description: 'Calls with a sample in the last 30 s of the range.', unit: 'short', w: 6, h: 5 }, tableSql(LIVE_CALLS_SQL, { tables: SAMPLES })));
  board.withPanel(statPanel(catalog, { title: 'Participant-minutes', description: 'Time sessions were sampling in range (the union of the sample intervals of each session over its peer connections: parallel connections once, a reconnect added), in minutes.', unit: 'short', w: 6, h: 5 }, tableSql(PARTICIPANT_MINUTES_SQL, { tables: { samples: [...PARTICIPANT_TIME_COLUMNS] } })));
  board.withPanel(statPanel(catalog, { title: 'Degraded sessions', description: `Sessions that ended in range which the SDK classified degraded (session.quality: ${DEGRADED_RULE_TEXT}), as the degraded-sessions SLO counts them.`, unit: 'percent', w: 6, h: 5, threshold: threshold('degraded-sessions') }, tableSql(degradedShareSql(), CLASSIFIED_SESSIONS_NEEDS)));
  board.withPanel(
    promPanel({ title: 'Alerts firing', description: 'Alerting rules firing in Prometheus, by severity.', unit: 'short', w: 6, h: 5 }, [
      { expr: 'sum by (severity) (ALERTS{alertstate="firing"})', legend: '{{severity}}' },
    ]),
  );
  board.withRow(row('Trends'));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Calls and participants', description: 'Distinct calls and sessions sampling per interval.', unit: 'short', w: 12, h: 8 }, [timeSeriesSql(CALLS_OVER_TIME_SQL, { tables: SAMPLES })]));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Call-setup success', description: 'Peer connections created in each interval that did not fail before ever connecting, as the call-setup SLO counts them (a failure after connecting is a mid-call failure).', unit: 'percent', w: 12, h: 8, threshold: threshold('call-setup') }, [timeSeriesSql(SETUP_SUCCESS_SQL, { tables: EVENTS })]));
  board.withRow(row('Collector'));
  for (const panel of collectorPanels()) board.withPanel(panel);
  board.withRow(row('Sessions needing attention'));
  board.withPanel(tablePanel(catalog, { title: 'Most degraded sessions', description: `Share of each session's media intervals that were degraded by the SDK's rule, live sessions included (a session is degraded with ${DEGRADED_RULE_TEXT}). Click a session id to open its drill-down.`, unit: 'none', w: 24, h: 10 }, tableSql(degradedSessionsSql(), degradedNeeds)));
  return finishBoard('overview.json', board, catalog);
}
