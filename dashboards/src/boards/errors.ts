import { CLASSIFIED_SESSIONS_NEEDS, classifiedSessionsSql, DEGRADED_RULE_TEXT } from '../sql/degraded.js';
import { indentSql } from '../sql/participant-time.js';
import { clientScope, CLIENT_SCOPE_COLUMNS, tenantScope } from '../sql/filters.js';
import { QueryCatalog, tableSql, timeSeriesSql } from '../sql/needs.js';
import { tablePanel, timeSeriesPanel } from '../panels.js';
import { threshold } from '../thresholds.js';
import { fleetVariables } from '../variables.js';
import { finishBoard, newBoard, row, type GeneratedBoard } from './board.js';

const EVENT_COLUMNS = [...CLIENT_SCOPE_COLUMNS, 'session_id', 'pc_id', 'type', 'state', 'name', 'stage', 'message'];
const EVENTS = { events: EVENT_COLUMNS };

/** State machines whose `failed` state is a lifecycle failure. */
const FAILURE_EVENTS = "('ice.connection.state', 'dtls.state', 'connection.state')";

/** A lifecycle failure's stage: the failed state machine, or the API call that threw. */
const FAILURE_STAGE = "if(type = 'error', stage, replaceOne(type, '.state', ''))";

const FAILURE_FILTER = `((type IN ${FAILURE_EVENTS} AND state = 'failed') OR type = 'error')`;

export const FAILURES_BY_STAGE_SQL = `SELECT $__timeInterval(ts) AS time, ${FAILURE_STAGE} AS failure_stage, count() AS failures
FROM events
WHERE ${clientScope()}
  AND ${FAILURE_FILTER}
GROUP BY time, failure_stage
ORDER BY time`;

export const FAILURES_BY_STAGE_AND_BROWSER_SQL = `SELECT ${FAILURE_STAGE} AS failure_stage, browser, count() AS failures, uniqExact(session_id) AS sessions
FROM events
WHERE ${clientScope()}
  AND ${FAILURE_FILTER}
GROUP BY failure_stage, browser
ORDER BY failures DESC`;

export const MEDIA_ERRORS_BY_NAME_SQL = `SELECT stage, name AS error_name, browser, count() AS errors, uniqExact(session_id) AS sessions
FROM events
WHERE ${clientScope()}
  AND type = 'error'
  AND stage IN ('getUserMedia', 'getDisplayMedia')
GROUP BY stage, error_name, browser
ORDER BY errors DESC`;

export const ICE_DISCONNECTS_SQL = `SELECT $__timeInterval(ts) AS time, state, count() AS transitions
FROM events
WHERE ${clientScope()}
  AND type = 'ice.connection.state'
  AND state IN ('disconnected', 'failed')
GROUP BY time, state
ORDER BY time`;

export const RECENT_FAILURES_SQL = `SELECT ts, session_id, tenant, pc_id, ${FAILURE_STAGE} AS failure_stage, if(type = 'error', name, state) AS reason, message, browser, region
FROM events
WHERE ${clientScope()}
  AND ${FAILURE_FILTER}
ORDER BY ts DESC
LIMIT 50`;

/**
 * Degraded-session share per interval: of the sessions the SDK classified
 * (at their end) in the interval, those classified degraded, as the SLO
 * counts them.
 */
export function degradedOverTimeSql(): string {
  return `SELECT $__timeInterval(ended_at) AS time, 100 * countIf(degraded) / greatest(count(), 1) AS degraded_sessions_pct
FROM (
${indentSql(classifiedSessionsSql())}
)
GROUP BY time
ORDER BY time`;
}

export const SDK_DROPS_SQL = `SELECT $__timeInterval(received_at) AS time, sum(dropped_samples) AS dropped_samples, sum(dropped_events) AS dropped_events
FROM batches
WHERE ${tenantScope('received_at')}
GROUP BY time
ORDER BY time`;

/** Errors: what broke — lifecycle failures, getUserMedia errors, degraded sessions. */
export function errorsBoard(): GeneratedBoard {
  const catalog = new QueryCatalog();
  const board = newBoard('rtcpulse-errors', 'rtcpulse · Errors', 'Connection lifecycle failures by stage and browser, getUserMedia/getDisplayMedia errors by name, and the degraded-session rate.', ['errors']).variables(fleetVariables(catalog));
  board.withRow(row('Lifecycle failures'));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Failures by stage', description: 'ICE, DTLS and connection failures plus failed API calls (createOffer, setRemoteDescription, ...).', unit: 'short', w: 12, h: 8 }, [timeSeriesSql(FAILURES_BY_STAGE_SQL, { tables: EVENTS })]));
  board.withPanel(tablePanel(catalog, { title: 'Failures by stage and browser', description: 'Where and on which browser connections fail.', unit: 'short', w: 12, h: 8 }, tableSql(FAILURES_BY_STAGE_AND_BROWSER_SQL, { tables: EVENTS })));
  board.withPanel(timeSeriesPanel(catalog, { title: 'ICE disconnected and failed', description: 'ICE connection state transitions into disconnected or failed.', unit: 'short', w: 12, h: 8 }, [timeSeriesSql(ICE_DISCONNECTS_SQL, { tables: EVENTS })]));
  board.withPanel(tablePanel(catalog, { title: 'getUserMedia / getDisplayMedia errors by name', description: 'Device and permission failures by DOMException name.', unit: 'short', w: 12, h: 8 }, tableSql(MEDIA_ERRORS_BY_NAME_SQL, { tables: EVENTS })));
  board.withRow(row('Degradation and delivery'));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Degraded sessions', description: `Of the sessions that ended in each interval, those the SDK classified degraded (session.quality: ${DEGRADED_RULE_TEXT}), as the degraded-sessions SLO counts them.`, unit: 'percent', w: 12, h: 8, threshold: threshold('degraded-sessions') }, [timeSeriesSql(degradedOverTimeSql(), CLASSIFIED_SESSIONS_NEEDS)]));
  board.withPanel(timeSeriesPanel(catalog, { title: 'SDK drops', description: 'Samples and events the SDK dropped from its bounded queue (reported in later batches).', unit: 'short', w: 12, h: 8 }, [timeSeriesSql(SDK_DROPS_SQL, { tables: { batches: ['tenant', 'received_at', 'dropped_samples', 'dropped_events'] } })]));
  board.withRow(row('Recent failures'));
  board.withPanel(tablePanel(catalog, { title: 'Recent failures', description: 'Click a session id to open its drill-down.', unit: 'none', w: 24, h: 10 }, tableSql(RECENT_FAILURES_SQL, { tables: EVENTS })));
  return finishBoard('errors.json', board, catalog);
}
