import { DASHBOARD } from './dashboards.js';
import { COST_COUNTERS, USAGE_COLUMNS, costComponentsSql } from './cost-sql.js';
import { inWindow, nowMs, percent, share } from './sql.js';
import { AUDIT_ACTION, TABLE } from './telemetry.js';
import type { RunbookPage, SqlContext } from './types.js';

/** Default infrastructure budget per participant-hour, in the pricing config's currency. Tune per deployment. */
export const COST_BUDGET_PER_PARTICIPANT_HOUR = 0.05;

/** The cost family: spend per participant-hour and the share of traffic relayed through TURN. */
export const COST_RUNAWAY: RunbookPage = {
  slug: 'cost-runaway',
  title: 'Infrastructure cost per participant-hour runs away',
  severity: 'warn',
  area: 'cost',
  symptom: 'Nothing is wrong for users; the invoice is. Spend grows faster than participant-minutes.',
  rootCause:
    'More traffic than necessary: receivers on top layers (entry 4), leaked TURN allocations (entry 10), a rising share of relayed sessions after a network or firewall change, or egress-heavy large rooms (entry 8).',
  fix: [
    'Decompose cost per participant-hour into CPU, RAM, egress and storage and follow the largest mover.',
    'A jump in relay share: check STUN reachability and recent firewall or ICE-server configuration changes.',
  ],
  telemetry:
    'Cost per participant-hour from server reports and the pricing config; the share of active peer connections whose selected local candidate is a relay.',
  confirm: {
    dashboard: DASHBOARD.cost,
    look: 'Cost per participant-hour decomposed; TURN relay share and GB by region.',
  },
  silence: 'Silence per `tenant` for a known, accepted change (a customer that forces relay for policy reasons).',
  rules: [
    {
      id: 'relay-share-high',
      alert: 'RelayShareHigh',
      severity: 'warn',
      comparator: '>',
      threshold: 30,
      unit: '%',
      for: '15m',
      summary: 'Over 30% of connections are relayed through TURN in {{ $labels.region }}',
      description:
        'More than 30% of the active peer connections in {{ $labels.region }} use a TURN relay. Relayed traffic is paid twice; check whether direct paths broke.',
      sql: {
        requires: { samples: ['tenant', 'region', 'session_id', 'pc_id', 'ts', 'local_candidate_type'] },
        labels: ['region'],
        lookbackSeconds: 900,
        query: (ctx) => `SELECT tenant, region,
  ${percent("uniqExactIf(session_id, pc_id, local_candidate_type = 'relay')", 'uniqExact(session_id, pc_id)')} AS value
FROM samples
WHERE ${inWindow(ctx)} AND local_candidate_type != ''
GROUP BY tenant, region`,
      },
      grafana: true,
    },
    {
      id: 'cost-per-participant-hour',
      alert: 'CostPerParticipantHourHigh',
      severity: 'warn',
      comparator: '>',
      threshold: COST_BUDGET_PER_PARTICIPANT_HOUR,
      unit: 'per participant-hour',
      for: '1h',
      summary: 'Infrastructure cost per participant-hour above budget',
      description: `Over the last 6 hours the computed infrastructure cost exceeded ${COST_BUDGET_PER_PARTICIPANT_HOUR} per participant-hour. Decompose it to find the component that moved.`,
      prometheus: {
        kind: 'ratio',
        numerator: COST_COUNTERS,
        denominator: [{ metric: 'webrtc.sfu.participant_time' }],
        scale: 1,
        by: [],
        window: '6h',
      },
      sql: {
        requires: { [TABLE.serverEvents]: USAGE_COLUMNS },
        labels: [],
        query: (ctx) => `SELECT tenant, ${share('cpu + ram + egress + storage', 'hours')} AS value
FROM (
${costComponentsSql(ctx)}
)
WHERE hours >= 1`,
      },
      grafana: true,
    },
  ],
};

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
  confirm: {
    dashboard: DASHBOARD.compliance,
    look: 'Audit completeness and consent integrity panels; list the offending sessions and check them with the audit verifier.',
  },
  silence:
    'Do not silence recording-without-consent: it is a legal exposure. Join-without-leave may be silenced per `tenant` during a backfill of server-side leaves.',
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
