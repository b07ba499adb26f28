import type { ClickHouseClient } from '@clickhouse/client';
import { CONSENT_LOOKBACK_SECONDS, JOIN_LEAVE_GRACE_SECONDS, recordingConsentSql } from '@rtcpulse/alerts';
import { AUDIT_TABLE } from './table.js';

/**
 * Audit completeness checks, as SQL for dashboards and alerts and as
 * numbers for the metrics exporter. Every query takes the parameters
 * `{tenant:String}` (empty string: all tenants), `{since:DateTime64(3)}`
 * and `{graceSeconds:UInt32}`.
 */

const TENANT_FILTER = "({tenant:String} = '' OR tenant = {tenant:String})";

/**
 * Sessions with a `session.join` but no `session.leave`, whose last join
 * is older than the grace period (a live session has not left yet).
 * Columns: `tenant`, `session_id`, `last_join_ms`.
 */
export const JOINS_WITHOUT_LEAVE_SQL = `
SELECT tenant, session_id, toUnixTimestamp64Milli(maxIf(ts, action = 'session.join')) AS last_join_ms
FROM ${AUDIT_TABLE}
WHERE ${TENANT_FILTER} AND ts >= {since:DateTime64(3)} AND action IN ('session.join', 'session.leave') AND session_id != ''
GROUP BY tenant, session_id
HAVING countIf(action = 'session.join') > countIf(action = 'session.leave')
   AND maxIf(ts, action = 'session.join') < now64(3) - toIntervalSecond({graceSeconds:UInt32})
ORDER BY tenant, session_id`;

/**
 * Recordings started without the consent of every participant present:
 * `recordingConsentSql` of `@rtcpulse/alerts`, the one definition the
 * `RecordingWithoutConsent` rule and the Compliance dashboard use too (per
 * call: at a `recording.start`, every session of the call that had joined
 * and not left must have `consent.granted` as its latest consent event, and
 * a session that joins or withdraws consent before that recording's own
 * `recording.stop` must have it again within a minute).
 * The starts from `{since}` on are reported, each judged on the audit rows
 * of the `CONSENT_LOOKBACK_SECONDS` before it. Columns: `tenant`,
 * `call_id`, `recording_ms`, `sessions_without_consent` (array of session ids).
 */
export const RECORDINGS_WITHOUT_CONSENT_SQL = `
SELECT tenant, call_id, recording_ms, sessions_without_consent
FROM (
${recordingConsentSql(`${TENANT_FILTER} AND ts >= {since:DateTime64(3)} - INTERVAL ${CONSENT_LOOKBACK_SECONDS} SECOND`, 'toUnixTimestamp64Milli(now64(3))')}
)
WHERE recording_at >= {since:DateTime64(3)} AND notEmpty(sessions_without_consent)
ORDER BY tenant, call_id, recording_ms`;

/** Completeness figures for one tenant (or all), ready for gauges. */
export interface AuditCompleteness {
  readonly joinsWithoutLeave: number;
  readonly recordingsWithoutConsent: number;
}

/** Options of {@link auditCompleteness}. */
export interface CompletenessOptions {
  /** Tenant id; all tenants when absent. */
  readonly tenant?: string;
  /** Look at rows from this instant on (default: the last 7 days). */
  readonly sinceMs?: number;
  /** A join younger than this is not yet missing its leave (default 4 h, as the `AuditJoinWithoutLeave` rule). */
  readonly graceSeconds?: number;
}

/** Query parameters for the SQL above. */
export function completenessParams(options: CompletenessOptions = {}, nowMs = Date.now()): Record<string, string | number> {
  const since = options.sinceMs ?? nowMs - 7 * 24 * 3600 * 1000;
  return {
    tenant: options.tenant ?? '',
    since: new Date(since).toISOString().replace('T', ' ').replace('Z', ''),
    graceSeconds: options.graceSeconds ?? JOIN_LEAVE_GRACE_SECONDS,
  };
}

async function countOf(client: ClickHouseClient, sql: string, params: Record<string, string | number>): Promise<number> {
  const result = await client.query({ query: `SELECT count() AS n FROM (${sql})`, query_params: params, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: number | string }>();
  return Number(row?.n ?? 0);
}

/** Count sessions missing a leave and recordings missing consent (see the SQL constants). */
export async function auditCompleteness(client: ClickHouseClient, options: CompletenessOptions = {}): Promise<AuditCompleteness> {
  const params = completenessParams(options);
  return {
    joinsWithoutLeave: await countOf(client, JOINS_WITHOUT_LEAVE_SQL, params),
    recordingsWithoutConsent: await countOf(client, RECORDINGS_WITHOUT_CONSENT_SQL, params),
  };
}
