import type { ClickHouseClient } from '@clickhouse/client';
import type { AuditOutcome, AuditRow } from './canonical.js';
import { AUDIT_TABLE } from './table.js';
import { verifyAuditChain, type AuditVerification } from './verify.js';

type StoredRow = Omit<AuditRow, 'seq' | 'ts_ms' | 'recorded_at_ms'> & {
  seq: number | string;
  ts_ms: number | string;
  recorded_at_ms: number | string;
};

/** Every audit row of a tenant as stored, in `seq` order (FINAL-free: the table is never merged away). */
export async function readAuditRows(client: ClickHouseClient, tenant: string): Promise<AuditRow[]> {
  const result = await client.query({
    query: `SELECT tenant, seq, toUnixTimestamp64Milli(ts) AS ts_ms, toUnixTimestamp64Milli(recorded_at) AS recorded_at_ms,
                   action, outcome, actor, actor_kind, service, route, region, source, session_id, call_id, object,
                   reason, details, dedup_key, prev_hash, hash
            FROM ${AUDIT_TABLE} WHERE tenant = {tenant:String} ORDER BY seq`,
    query_params: { tenant },
    format: 'JSONEachRow',
  });
  const rows = await result.json<StoredRow>();
  return rows.map((row) => ({
    ...row,
    seq: Number(row.seq),
    ts_ms: Number(row.ts_ms),
    recorded_at_ms: Number(row.recorded_at_ms),
    outcome: row.outcome as AuditOutcome,
  }));
}

/** The tenants that have audit rows. */
export async function auditTenants(client: ClickHouseClient): Promise<string[]> {
  const result = await client.query({ query: `SELECT DISTINCT tenant FROM ${AUDIT_TABLE} ORDER BY tenant`, format: 'JSONEachRow' });
  return (await result.json<{ tenant: string }>()).map((r) => r.tenant);
}

/** Read a tenant's chain and verify it (see {@link verifyAuditChain}). */
export async function verifyTenantAudit(
  client: ClickHouseClient,
  tenant: string,
  expectHead?: { seq: number; hash: string },
  options: { prunedStart?: boolean } = {},
): Promise<AuditVerification> {
  return verifyAuditChain(await readAuditRows(client, tenant), expectHead, options);
}
