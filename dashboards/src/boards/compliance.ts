import { CONSENT_LOOKBACK_SECONDS, JOIN_LEAVE_GRACE_SECONDS, RECORDING_CONSENT_COLUMNS, recordingConsentSql } from '@rtcpulse/alerts';
import { clientScope, CLIENT_SCOPE_COLUMNS, tenantScope, variableFilter } from '../sql/filters.js';
import { QueryCatalog, tableSql, timeSeriesSql } from '../sql/needs.js';
import { AUDIT_LOG, SESSIONS } from '../sql/server-tables.js';
import { statPanel, tablePanel, timeSeriesPanel } from '../panels.js';
import { fleetVariables } from '../variables.js';
import { finishBoard, newBoard, row, type GeneratedBoard } from './board.js';

const AUDIT = { [AUDIT_LOG.table]: [...AUDIT_LOG.columns] };
const EVENTS = { events: [...CLIENT_SCOPE_COLUMNS, 'session_id', 'type'] };
const RECORDING_CONSENT = { [AUDIT_LOG.table]: [...RECORDING_CONSENT_COLUMNS] };

/** Audit rows the consent check reads: the selected tenants, from the consent lookback before the range to its end. */
function consentRows(): string {
  return [variableFilter('tenant', 'tenant'), `ts > $__fromTime - INTERVAL ${CONSENT_LOOKBACK_SECONDS} SECOND`, 'ts <= $__toTime'].join(' AND ');
}

/** Client-reported sessions that started but never reported an end (lost `pagehide` beacons, crashes). */
export const SESSIONS_WITHOUT_END_SQL = `SELECT 100 * countIf(ended = 0) / greatest(count(), 1) AS sessions_without_end_pct
FROM (
  SELECT session_id, countIf(type = 'session.end') AS ended
  FROM events
  WHERE ${clientScope()}
    AND type IN ('session.start', 'session.end')
  GROUP BY session_id
  HAVING countIf(type = 'session.start') > 0
)`;

/**
 * Audit completeness, per tenant: sessions with a `session.join` in range
 * and how many of them have no `session.leave` although their last join is
 * older than the grace `AuditJoinWithoutLeave` allows (4 h: a live session
 * has not left yet), as the rule counts them.
 */
export const JOINS_WITHOUT_LEAVE_SQL = `SELECT tenant, count() AS joined,
  countIf(leaves < joins AND last_join <= toDateTime64($__toTime, 3) - INTERVAL ${JOIN_LEAVE_GRACE_SECONDS} SECOND) AS joined_without_leave
FROM (
  SELECT tenant, session_id, countIf(action = 'session.join') AS joins, countIf(action = 'session.leave') AS leaves,
    maxIf(ts, action = 'session.join') AS last_join
  FROM audit_log
  WHERE ${tenantScope('ts').replace(/\n/g, '\n  ')}
    AND action IN ('session.join', 'session.leave')
  GROUP BY tenant, session_id
  HAVING joins > 0
)
GROUP BY tenant
ORDER BY joined_without_leave DESC`;

/**
 * Consent integrity: the recordings `RecordingWithoutConsent` counts, by the
 * one definition in `@rtcpulse/alerts` (`recordingConsentSql`: per call,
 * every session present at a recording start must have consent granted as
 * its latest consent event, and one that joins or withdraws while it
 * records must have it within a minute). One row per recording start in the time range
 * and session present without consent; the rows read reach the consent
 * lookback before the range, so a participant who joined before it counts.
 */
export const RECORDINGS_WITHOUT_CONSENT_SQL = `SELECT tenant, call_id, recording_at, session_id
FROM (
${recordingConsentSql(consentRows(), 'toUnixTimestamp64Milli(toDateTime64($__toTime, 3))').replace(/^/gm, '  ')}
)
ARRAY JOIN sessions_without_consent AS session_id
WHERE $__timeFilter(recording_at)
ORDER BY recording_at DESC, tenant, call_id, session_id
LIMIT 200`;

/**
 * Hash-chain linkage per tenant: rows whose `prev_hash` is not the `hash` of
 * the row before them in their chain (one chain per tenant and collector
 * instance). Rows are picked by when they were appended, so the first row of
 * each chain in the time range has no predecessor to compare and is skipped.
 */
export const CHAIN_BREAKS_SQL = `SELECT tenant, uniqExact(writer) AS chains, count() AS rows,
  countIf(position > 1 AND prev_hash != previous_hash) AS chain_breaks,
  if(chain_breaks = 0, 'intact', 'BROKEN') AS status
FROM (
  SELECT tenant, writer, seq, prev_hash,
    lagInFrame(hash) OVER (PARTITION BY tenant, writer ORDER BY seq ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS previous_hash,
    row_number() OVER (PARTITION BY tenant, writer ORDER BY seq) AS position
  FROM audit_log
  WHERE ${tenantScope('recorded_at')}
)
GROUP BY tenant
ORDER BY chain_breaks DESC`;

export const AUDIT_ACTIONS_SQL = `SELECT $__timeInterval(ts) AS time, concat(action, ' ', outcome) AS action_outcome, count() AS entries
FROM audit_log
WHERE ${tenantScope('ts')}
GROUP BY time, action_outcome
ORDER BY time`;

/** Sessions by their latest consent state (`unknown` until the SDK reports one), among sessions started in the range. */
export const CONSENT_STATES_SQL = `SELECT consent AS consent_state, count() AS sessions
FROM sessions FINAL
WHERE ${tenantScope('first_seen')}
GROUP BY consent_state
ORDER BY sessions DESC, consent_state`;

/** Compliance: audit completeness, consent integrity, hash-chain status. */
export function complianceBoard(): GeneratedBoard {
  const catalog = new QueryCatalog();
  const board = newBoard('rtcpulse-compliance', 'rtcpulse · Compliance', 'What an auditor sees: audit-log completeness, consent integrity and hash-chain verification per tenant.', ['compliance']).variables(fleetVariables(catalog));
  board.withRow(row('Completeness'));
  board.withPanel(statPanel(catalog, { title: 'Sessions without an end', description: 'Client sessions that reported a start but no end (session end beacons lost).', unit: 'percent', w: 8, h: 6 }, tableSql(SESSIONS_WITHOUT_END_SQL, { tables: EVENTS })));
  board.withPanel(tablePanel(catalog, { title: 'Joins without a leave', description: 'Audit log: sessions that joined in the range, and those of them that never left although their last join is over 4 hours old (as AuditJoinWithoutLeave counts them), per tenant.', unit: 'short', w: 16, h: 6 }, tableSql(JOINS_WITHOUT_LEAVE_SQL, { tables: AUDIT })));
  board.withRow(row('Consent'));
  board.withPanel(tablePanel(catalog, { title: 'Recordings without prior consent', description: 'Recording starts in the range while a participant present in the call had not granted consent or had withdrawn it, one row per such participant (the rule behind RecordingWithoutConsent). Should be empty.', unit: 'none', w: 16, h: 8 }, tableSql(RECORDINGS_WITHOUT_CONSENT_SQL, { tables: RECORDING_CONSENT })));
  board.withPanel(tablePanel(catalog, { title: 'Sessions by consent state', description: "Each session's latest reported consent state (granted, withdrawn, unknown).", unit: 'short', w: 8, h: 8 }, tableSql(CONSENT_STATES_SQL, { tables: { [SESSIONS.table]: ['tenant', 'first_seen', 'consent'] } })));
  board.withRow(row('Integrity'));
  board.withPanel(tablePanel(catalog, { title: 'Hash-chain linkage', description: 'Rows whose prev_hash does not match the previous row. Run the verifier for the exact row.', unit: 'short', w: 12, h: 8 }, tableSql(CHAIN_BREAKS_SQL, { tables: AUDIT })));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Audit entries by action and outcome', description: 'Joins, leaves, recordings, consent, admin changes and auth failures.', unit: 'short', w: 12, h: 8 }, [timeSeriesSql(AUDIT_ACTIONS_SQL, { tables: AUDIT })]));
  return finishBoard('compliance.json', board, catalog);
}
