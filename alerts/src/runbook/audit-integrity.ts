import { DASHBOARD } from './dashboards.js';
import { inWindow, nowMs, percent } from './sql.js';
import { AUDIT_ACTION, TABLE } from './telemetry.js';
import type { RunbookPage, SqlContext } from './types.js';

/**
 * Recordings started in the last hour while a session of the same call had
 * joined (and not left) without consent granted as its latest consent event.
 */
function recordingsWithoutConsentSql(ctx: SqlContext): string {
  const A = AUDIT_ACTION;
  const lastOf = (actions: string) => `arrayLast(e -> e.3 = s AND e.2 IN (${actions}) AND e.1 <= rec, ev).2`;
  return `SELECT tenant, toFloat64(countIf(unconsented)) AS value
FROM (
  SELECT tenant, rec,
    arrayExists(s -> ${lastOf(`'${A.join}', '${A.leave}'`)} = '${A.join}'
        AND ${lastOf(`'${A.consentGranted}', '${A.consentWithdrawn}'`)} != '${A.consentGranted}',
      arrayDistinct(arrayMap(e -> e.3, ev))) AS unconsented
  FROM (
    SELECT tenant, call_id, arraySort(groupArray((toUnixTimestamp64Milli(ts), action, session_id))) AS ev
    FROM ${TABLE.audit}
    WHERE ${inWindow(ctx)} AND call_id != ''
    GROUP BY tenant, call_id
  )
  ARRAY JOIN arrayMap(e -> e.1, arrayFilter(e -> e.2 = '${A.recordingStart}' AND e.1 > ${nowMs(ctx)} - 3600000, ev)) AS rec
)
GROUP BY tenant`;
}

/** The compliance family: the audit trail must be complete and consent must precede recording. */
export const AUDIT_INTEGRITY: RunbookPage = {
  slug: 'audit-consent-integrity',
  title: 'Audit trail incomplete or recording without consent',
  severity: 'page',
  area: 'compliance',
  symptom:
    'Nothing users notice until an auditor or a customer asks: a recording exists for a session where nobody granted consent, or joins have no matching leave in the audit log.',
  rootCause:
    'A client or server path records without checking the consent flag, or writes only half of the audit pair (a crash or a missed exit path between join and leave).',
  fix: [
    'Stop the recording path that skipped the consent check; the orchestrator must refuse to start without a granted consent on record.',
    'Find the exit path that skips the leave entry (same paths that skip `pc.close()`, entry 10) and write the leave from the server when the session times out.',
  ],
  telemetry:
    'The audit log: recording starts without an earlier consent grant in the same session; sessions with a join older than 4 hours and no leave. The hash-chain verifier reports tampering separately.',
  confirm: [
    {
      dashboard: DASHBOARD.compliance,
      panel: 'Recordings without prior consent',
      look: 'the recordings and sessions behind RecordingWithoutConsent.',
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
        'In the last hour at least one recording started while a participant of the call had joined without granting consent (per the audit log). Stop the recording path and notify compliance.',
      sql: {
        requires: { [TABLE.audit]: ['tenant', 'ts', 'action', 'session_id', 'call_id'] },
        labels: [],
        lookbackSeconds: 86400,
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
        lookbackSeconds: 28 * 3600,
        query: (ctx) => `SELECT tenant, ${percent('countIf(leaves < joins)', 'count()')} AS value
FROM (
  SELECT tenant, session_id, countIf(action = '${AUDIT_ACTION.join}') AS joins, countIf(action = '${AUDIT_ACTION.leave}') AS leaves,
    maxIf(ts, action = '${AUDIT_ACTION.join}') AS last_join
  FROM ${TABLE.audit}
  WHERE ${inWindow(ctx)} AND session_id != ''
    AND action IN ('${AUDIT_ACTION.join}', '${AUDIT_ACTION.leave}')
  GROUP BY tenant, session_id
  HAVING joins > 0 AND last_join <= ${ctx.now} - INTERVAL 4 HOUR
)
GROUP BY tenant`,
      },
      grafana: true,
    },
  ],
};
