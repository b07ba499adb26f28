import { AUDIT_ACTION, TABLE } from './telemetry.js';

/**
 * Recordings without consent, defined once for the alert rule
 * `RecordingWithoutConsent`, the Compliance dashboard's "Recordings without
 * prior consent" table and the collector's audit completeness count.
 *
 * The rule is per call: a `recording.start` of a call is without consent
 * when at least one session of that call was present when it started (its
 * latest join or leave at or before the start is a `session.join`) and that
 * session's latest consent event at or before the start is not
 * `consent.granted` (it never granted consent, or withdrew it). A recorder
 * writes its starts with the call id and no session id, so they are judged
 * against every participant of the call. Events at the same millisecond as
 * the start count as before it; ties are broken by the audit row's `seq`.
 *
 * Only the {@link CONSENT_LOOKBACK_SECONDS} before a start are looked at, so
 * a start's verdict does not depend on how far back a caller reads (as long
 * as it reads that far), and a join whose leave was lost does not haunt a
 * reused room for days.
 */

/** How far before a recording start its call's joins, leaves and consent events are looked for, in seconds. */
export const CONSENT_LOOKBACK_SECONDS = 86_400;

/** Audit actions the check reads. */
const ACTIONS = [AUDIT_ACTION.join, AUDIT_ACTION.leave, AUDIT_ACTION.consentGranted, AUDIT_ACTION.consentWithdrawn, AUDIT_ACTION.recordingStart];

const quoted = (...values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/**
 * Every recording start of the audit rows that `rowsWhere` selects, with the
 * sessions of its call that were present without consent (see the module
 * comment): columns `tenant`, `call_id`, `recording_ms` (epoch ms, Int64),
 * `recording_at` (`DateTime64(3, 'UTC')`) and `sessions_without_consent`
 * (session ids as stored, sorted; empty when every participant present had
 * consented). A start is without consent when that array is not empty.
 *
 * `rowsWhere` is a condition on `audit_log` rows: the caller's tenant filter
 * and a time range that begins {@link CONSENT_LOOKBACK_SECONDS} before the
 * earliest start it reports (filter the starts themselves on `recording_at`
 * around this query). Unordered; order outside.
 */
export function recordingConsentSql(rowsWhere: string): string {
  const A = AUDIT_ACTION;
  const beforeStart = `e.1 <= rec.1 AND e.1 > rec.1 - ${CONSENT_LOOKBACK_SECONDS * 1000}`;
  const latest = (...actions: readonly string[]) => `arrayLast(e -> e.3 = s AND e.2 IN (${quoted(...actions)}) AND ${beforeStart}, events).2`;
  return `SELECT tenant, call_id, rec.1 AS recording_ms, fromUnixTimestamp64Milli(rec.1, 'UTC') AS recording_at,
  arrayFilter(s -> ${latest(A.join, A.leave)} = '${A.join}'
      AND ${latest(A.consentGranted, A.consentWithdrawn)} != '${A.consentGranted}',
    arraySort(arrayDistinct(arrayMap(e -> e.3, arrayFilter(e -> e.2 = '${A.join}' AND e.3 != '' AND ${beforeStart}, events))))) AS sessions_without_consent
FROM (
  SELECT tenant, call_id,
    arraySort(e -> (e.1, e.4), groupArray((toUnixTimestamp64Milli(ts), action, session_id, seq))) AS events
  FROM ${TABLE.audit}
  WHERE (${rowsWhere}) AND call_id != ''
    AND action IN (${quoted(...ACTIONS)})
  GROUP BY tenant, call_id
)
ARRAY JOIN arrayFilter(e -> e.2 = '${A.recordingStart}', events) AS rec`;
}

/** Columns of `audit_log` that {@link recordingConsentSql} reads. */
export const RECORDING_CONSENT_COLUMNS = ['tenant', 'ts', 'seq', 'action', 'session_id', 'call_id'] as const;
