import { AUDIT_ACTION, TABLE } from './telemetry.js';

/**
 * Recordings without consent, defined once for the alert rule
 * `RecordingWithoutConsent`, the Compliance dashboard's "Recordings without
 * prior consent" table and the collector's audit completeness count.
 *
 * The rule is per call. A `recording.start` of a call is without consent
 * when a session of that call was present without consent while it
 * recorded:
 * - at the start: its latest join or leave at or before the start is a
 *   `session.join` and its latest consent event then is not
 *   `consent.granted` (it never granted consent, or withdrew it); or
 * - later, before that recording's `recording.stop` (the same job id, in
 *   the audit row's `object`): it joined, or withdrew consent, and stayed
 *   present without consent (until it left or granted consent) for more
 *   than {@link LATE_CONSENT_GRACE_SECONDS} (time to answer the consent
 *   prompt) while the recording went on.
 *
 * A recorder writes its starts and stops with the call id and no session
 * id, so they are judged against every participant of the call. Events at
 * the same millisecond as the start count as before it; ties are broken by
 * the audit row's `seq`.
 *
 * Only the {@link CONSENT_LOOKBACK_SECONDS} before a start are looked at, so
 * a start's verdict does not depend on how far back a caller reads (as long
 * as it reads that far), and a join whose leave was lost does not haunt a
 * reused room for days.
 */

/** How far before a recording start its call's joins, leaves and consent events are looked for, in seconds. */
export const CONSENT_LOOKBACK_SECONDS = 86_400;

/** How long a participant who joins (or withdraws consent) during a recording may stay without consent before it counts. */
export const LATE_CONSENT_GRACE_SECONDS = 60;

/** Audit actions the check reads. */
const ACTIONS = [AUDIT_ACTION.join, AUDIT_ACTION.leave, AUDIT_ACTION.consentGranted, AUDIT_ACTION.consentWithdrawn, AUDIT_ACTION.recordingStart, AUDIT_ACTION.recordingStop];

const quoted = (...values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/**
 * Every recording start of the audit rows that `rowsWhere` selects, with the
 * sessions of its call that were present without consent while it recorded
 * (see the module comment): columns `tenant`, `call_id`, `recording_ms`
 * (epoch ms, Int64), `recording_at` (`DateTime64(3, 'UTC')`) and
 * `sessions_without_consent` (session ids as stored, sorted; empty when
 * every participant had consented). A start is without consent when that
 * array is not empty.
 *
 * `rowsWhere` is a condition on `audit_log` rows: the caller's tenant filter
 * and a time range that begins {@link CONSENT_LOOKBACK_SECONDS} before the
 * earliest start it reports (filter the starts themselves on `recording_at`
 * around this query). `nowMs` is the evaluation instant in epoch ms (an SQL
 * expression): a recording that has not stopped runs until then. Unordered;
 * order outside.
 */
export function recordingConsentSql(rowsWhere: string, nowMs: string): string {
  const A = AUDIT_ACTION;
  const L = CONSENT_LOOKBACK_SECONDS * 1000;
  // Each session is judged on its own few events (`t.2`, time order), so the cost grows with sessions × events of the call, not their cube.
  const latestAt = (actions: readonly string[], until: string) => `arrayLast(e -> e.2 IN (${quoted(...actions)}) AND ${until}, t.2).2`;
  const presence = [A.join, A.leave];
  const consent = [A.consentGranted, A.consentWithdrawn];
  const atOrBeforeP = '(e.1, e.4) <= (p.1, p.4)';
  // Exposure after `p` ends when the session leaves or grants consent (or the recording stops): other events do not restart the clock.
  const ends = `e.2 IN (${quoted(A.leave, A.consentGranted)}) AND (e.1, e.4) > (p.1, p.4)`;
  const exposedUntil = `least(if(arrayExists(e -> ${ends}, t.2), arrayFirst(e -> ${ends}, t.2).1, stop_ms), stop_ms)`;
  const withoutConsent = `(${latestAt(presence, 'e.1 <= recording_ms')} = '${A.join}' AND ${latestAt(consent, 'e.1 <= recording_ms')} != '${A.consentGranted}')
      OR arrayExists(p -> p.1 > recording_ms AND p.2 IN (${quoted(A.join, A.consentWithdrawn)})
        AND ${latestAt(presence, atOrBeforeP)} = '${A.join}' AND ${latestAt(consent, atOrBeforeP)} != '${A.consentGranted}'
        AND ${exposedUntil} - p.1 > ${LATE_CONSENT_GRACE_SECONDS * 1000}, t.2)`;
  const stopOf = `e.2 = '${A.recordingStop}' AND e.5 = rec.5 AND e.1 > rec.1`;
  return `SELECT tenant, call_id, recording_ms, fromUnixTimestamp64Milli(recording_ms, 'UTC') AS recording_at,
  arrayMap(t -> t.1, arrayFilter(t -> ${withoutConsent},
    arrayMap(s -> (s, arrayFilter(e -> e.3 = s, near)), arraySort(arrayDistinct(arrayMap(e -> e.3, arrayFilter(e -> e.2 = '${A.join}', near))))))) AS sessions_without_consent
FROM (
  SELECT tenant, call_id, recording_ms, stop_ms,
    arrayFilter(e -> e.3 != '' AND e.1 > recording_ms - ${L} AND e.1 < stop_ms, events) AS near
  FROM (
    SELECT tenant, call_id, events, rec.1 AS recording_ms,
      least(if(arrayExists(e -> ${stopOf}, events), arrayFirst(e -> ${stopOf}, events).1, ${nowMs}), ${nowMs}) AS stop_ms
    FROM (
      SELECT tenant, call_id,
        arraySort(e -> (e.1, e.4), groupArray((toUnixTimestamp64Milli(ts), action, session_id, seq, object))) AS events
      FROM ${TABLE.audit}
      WHERE (${rowsWhere}) AND call_id != ''
        AND action IN (${quoted(...ACTIONS)})
      GROUP BY tenant, call_id
    )
    ARRAY JOIN arrayFilter(e -> e.2 = '${A.recordingStart}', events) AS rec
  )
)`;
}

/** Columns of `audit_log` that {@link recordingConsentSql} reads. */
export const RECORDING_CONSENT_COLUMNS = ['tenant', 'ts', 'seq', 'action', 'session_id', 'call_id', 'object'] as const;
