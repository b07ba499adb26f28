import { CONSENT_LOOKBACK_SECONDS, RECORDING_CONSENT_COLUMNS, recordingConsentSql } from './consent-sql.js';
import { DASHBOARD } from './dashboards.js';
import { inWindow, lastSeconds, percent } from './sql.js';
import { AUDIT_ACTION, TABLE } from './telemetry.js';
import type { RunbookPage, SqlContext } from './types.js';

/** How old a join must be before a missing leave counts (the alert, the collector's completeness count and the dashboard share it). */
export const JOIN_LEAVE_GRACE_SECONDS = 4 * 3600;

/** The recordings the consent rule counts: those started in the last hour. */
export const RECENT_RECORDINGS_SECONDS = 3600;

/** The joins `AuditJoinWithoutLeave` looks at: those of the last 28 hours (past the grace). */
export const JOIN_LEAVE_LOOKBACK_SECONDS = 28 * 3600;

/**
 * Recordings started in the last hour without the consent of every
 * participant present while they ran (`recordingConsentSql`, the definition the
 * Compliance dashboard and the collector share), per tenant with any
 * recording in that hour. The rule's window reaches the consent lookback
 * further back, so each start is judged on its whole lookback.
 */
function recordingsWithoutConsentSql(ctx: SqlContext): string {
  const recordings = recordingConsentSql(inWindow(ctx), `toUnixTimestamp64Milli(toDateTime64(${ctx.now}, 3))`).replace(/^/gm, '  ');
  return `SELECT tenant, toFloat64(countIf(notEmpty(sessions_without_consent))) AS value
FROM (
${recordings}
)
WHERE ${lastSeconds(ctx, RECENT_RECORDINGS_SECONDS, 'recording_at')}
GROUP BY tenant`;
}

/** The compliance family: the audit trail must be complete and consent must precede recording. */
export const AUDIT_INTEGRITY: RunbookPage = {
  slug: 'audit-consent-integrity',
  title: 'Audit trail incomplete or recording without consent',
  severity: 'page',
  area: 'compliance',
  symptom:
    'Nothing users notice until an auditor or a customer asks: a call was recorded while one of its participants had not consented, or joins have no matching leave in the audit log.',
  rootCause:
    'A client or server path records without checking the consent flag, or writes only half of the audit pair (a crash or a missed exit path between join and leave).',
  fix: [
    'Stop the recording path that skipped the consent check; the orchestrator must refuse to start without a granted consent on record.',
    'Find the exit path that skips the leave entry (same paths that skip `pc.close()`, entry 10) and write the leave from the server when the session times out.',
  ],
  telemetry:
    'The audit log, per call: a recording start lacks consent when any session of that call that had joined and not yet left at that moment (looking back 24 hours) does not have a consent grant as its latest consent event, because it never granted consent or withdrew it; or when, before that recording\'s own stop (same job id), a session joins or withdraws consent and stays present without consent (until it leaves or grants consent) for more than a minute. A recorder reports its starts and stops with the call id only, so they are checked against everyone in the call. Also: sessions with a join older than 4 hours and no leave. The hash-chain verifier reports tampering separately.',
  confirm: [
    {
      dashboard: DASHBOARD.compliance,
      panel: 'Recordings without prior consent',
      look: 'one row per recording start and participant without consent, judged as RecordingWithoutConsent judges them; the alert counts the starts of the last hour.',
    },
    {
      dashboard: DASHBOARD.compliance,
      panel: 'Joins without a leave',
      look: 'the sessions behind AuditJoinWithoutLeave.',
    },
    {
      language: 'sh',
      query: 'npm run audit:verify -- --tenant <tenant>',
      look: 'that the hash chain of the tenant\'s audit log is intact (tampering is reported separately from gaps).',
    },
  ],
  silence: {
    when: 'Join-without-leave may be silenced for one `tenant` during a backfill of server-side leaves.',
    by: ['tenant'],
    duration: '24h',
    lacking: 'keep',
    never: { RecordingWithoutConsent: 'a recording without consent is a legal exposure' },
  },
  rules: [
    {
      id: 'recording-without-consent',
      alert: 'RecordingWithoutConsent',
      severity: 'page',
      comparator: '>',
      threshold: 0,
      unit: 'recordings',
      for: '1m',
      summary: 'A recording started without every participant\'s consent',
      description:
        'In the last hour at least one recording started while a participant present in the call had not granted consent or had withdrawn it (per the audit log). Stop the recording path and notify compliance.',
      sql: {
        requires: { [TABLE.audit]: [...RECORDING_CONSENT_COLUMNS] },
        labels: [],
        lookbackSeconds: RECENT_RECORDINGS_SECONDS + CONSENT_LOOKBACK_SECONDS,
        query: recordingsWithoutConsentSql,
      },
      grafana: true,
    },
    {
      id: 'join-without-leave',
      alert: 'AuditJoinWithoutLeave',
      severity: 'warn',
      comparator: '>',
      threshold: 1,
      unit: '%',
      for: '30m',
      summary: 'Audit log: joins without a leave',
      description:
        'More than 1% of the sessions joined between 4 and 28 hours ago have no leave entry in the audit log. The trail is incomplete.',
      sql: {
        requires: { [TABLE.audit]: ['tenant', 'ts', 'action', 'session_id'] },
        labels: [],
        lookbackSeconds: JOIN_LEAVE_LOOKBACK_SECONDS,
        query: (ctx) => `SELECT tenant, ${percent('countIf(leaves < joins)', 'count()')} AS value
FROM (
  SELECT tenant, session_id, countIf(action = '${AUDIT_ACTION.join}') AS joins, countIf(action = '${AUDIT_ACTION.leave}') AS leaves,
    maxIf(ts, action = '${AUDIT_ACTION.join}') AS last_join
  FROM ${TABLE.audit}
  WHERE ${inWindow(ctx)} AND session_id != ''
    AND action IN ('${AUDIT_ACTION.join}', '${AUDIT_ACTION.leave}')
  GROUP BY tenant, session_id
  HAVING joins > 0 AND last_join <= ${ctx.now} - INTERVAL ${JOIN_LEAVE_GRACE_SECONDS} SECOND
)
GROUP BY tenant`,
      },
      grafana: true,
    },
  ],
};
