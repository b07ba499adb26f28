import type { ClickHouseClient } from '@clickhouse/client';
import type { AuditOutcome, AuditRow } from './canonical.js';
import { AUDIT_TABLE } from './table.js';
import { verifyAuditChain, type AuditVerification } from './verify.js';

type StoredRow = Omit<AuditRow, 'seq' | 'ts_ms' | 'recorded_at_ms'> & {
  seq: number | string;
  ts_ms: number | string;
  recorded_at_ms: number | string;
};

/** Every audit row of a tenant as stored, by writer and `seq` (FINAL-free: the table is never merged away). */
export async function readAuditRows(client: ClickHouseClient, tenant: string): Promise<AuditRow[]> {
  const result = await client.query({
    query: `SELECT tenant, writer, seq, toUnixTimestamp64Milli(ts) AS ts_ms, toUnixTimestamp64Milli(recorded_at) AS recorded_at_ms,
                   action, outcome, actor, actor_kind, service, route, region, source, session_id, call_id, object,
                   reason, details, dedup_key, prev_hash, hash
            FROM ${AUDIT_TABLE} WHERE tenant = {tenant:String} ORDER BY writer, seq, hash`,
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

/** Whether the audit log holds any row at all. */
export async function auditLogHasRows(client: ClickHouseClient): Promise<boolean> {
  const result = await client.query({ query: `SELECT 1 AS one FROM ${AUDIT_TABLE} LIMIT 1`, format: 'JSONEachRow' });
  return (await result.json<{ one: number }>()).length > 0;
}

/** The end of one writer's chain, as an earlier verification printed it. */
export interface ExpectedHead {
  readonly seq: number;
  readonly hash: string;
}

/** What the verifier concluded about a tenant: one result per writer's chain. */
export interface TenantAuditVerification {
  /** Every chain intact (and every expected head found). */
  readonly ok: boolean;
  readonly rows: number;
  /** By writer id (`''`: rows written before chains were kept per writer). */
  readonly chains: Readonly<Record<string, AuditVerification>>;
}

/** Verify each writer's chain of some rows of one tenant; a writer in `expectHeads` with no rows left is a deleted chain. */
export function verifyTenantRows(
  rows: readonly AuditRow[],
  expectHeads: Readonly<Record<string, ExpectedHead>> = {},
  options: { readonly prunedStart?: boolean } = {},
): TenantAuditVerification {
  const byWriter = new Map<string, AuditRow[]>(Object.keys(expectHeads).map((writer) => [writer, []]));
  for (const row of rows) {
    const chain = byWriter.get(row.writer);
    if (chain) chain.push(row);
    else byWriter.set(row.writer, [row]);
  }
  const chains: Record<string, AuditVerification> = {};
  for (const [writer, chainRows] of [...byWriter].sort(([a], [b]) => a.localeCompare(b))) {
    chains[writer] = verifyAuditChain(chainRows, expectHeads[writer], options);
  }
  return { ok: Object.values(chains).every((c) => c.ok), rows: rows.length, chains };
}

/** Read a tenant's audit rows and verify each writer's chain (see {@link verifyAuditChain}). */
export async function verifyTenantAudit(
  client: ClickHouseClient,
  tenant: string,
  expectHeads: Readonly<Record<string, ExpectedHead>> = {},
  options: { prunedStart?: boolean } = {},
): Promise<TenantAuditVerification> {
  return verifyTenantRows(await readAuditRows(client, tenant), expectHeads, options);
}
