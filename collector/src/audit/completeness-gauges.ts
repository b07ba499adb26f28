import type { ClickHouseClient } from '@clickhouse/client';
import { JOIN_LEAVE_LOOKBACK_SECONDS, RECENT_RECORDINGS_SECONDS } from '@rtcpulse/alerts';
import { AUDIT_COMPLETENESS_METRIC_NAMES } from '@rtcpulse/schema';
import { JOINS_WITHOUT_LEAVE_SQL, RECORDINGS_WITHOUT_CONSENT_SQL, completenessParams } from './completeness.js';
import type { Telemetry } from '../telemetry/telemetry.js';

/** Default refresh interval of the completeness gauges (`RTCPULSE_COMPLETENESS_INTERVAL_S`). */
export const COMPLETENESS_INTERVAL_MS = 300_000;

/** Windows the alert rules judge: joins of the last 28 h (past the 4 h grace), recordings started in the last hour. */
const JOINS_WINDOW_MS = JOIN_LEAVE_LOOKBACK_SECONDS * 1000;
const RECORDINGS_WINDOW_MS = RECENT_RECORDINGS_SECONDS * 1000;

async function countsByTenant(client: ClickHouseClient, sql: string, params: Record<string, string | number>): Promise<Map<string, number>> {
  const result = await client.query({ query: `SELECT tenant, count() AS n FROM (${sql}) GROUP BY tenant`, query_params: params, format: 'JSONEachRow' });
  return new Map((await result.json<{ tenant: string; n: number | string }>()).map((r) => [r.tenant, Number(r.n)]));
}

/**
 * Query the audit log for both completeness figures of every tenant in
 * `tenants` (0 where none) and publish them as the registry's gauges, valid
 * for `ttlMs` (so a collector that stops refreshing stops exporting them).
 */
export async function refreshCompletenessGauges(
  telemetry: Telemetry,
  client: ClickHouseClient,
  tenants: readonly string[],
  ttlMs: number,
  nowMs = Date.now(),
): Promise<void> {
  const joins = await countsByTenant(client, JOINS_WITHOUT_LEAVE_SQL, completenessParams({ sinceMs: nowMs - JOINS_WINDOW_MS }, nowMs));
  const recordings = await countsByTenant(client, RECORDINGS_WITHOUT_CONSENT_SQL, completenessParams({ sinceMs: nowMs - RECORDINGS_WINDOW_MS }, nowMs));
  const points = (counts: Map<string, number>) => [...new Set([...tenants, ...counts.keys()])].map((tenant) => ({ value: counts.get(tenant) ?? 0, attributes: { tenant } }));
  telemetry.setNodeGauge(AUDIT_COMPLETENESS_METRIC_NAMES.joinsWithoutLeave, 'self', points(joins), ttlMs);
  telemetry.setNodeGauge(AUDIT_COMPLETENESS_METRIC_NAMES.recordingsWithoutConsent, 'self', points(recordings), ttlMs);
}
