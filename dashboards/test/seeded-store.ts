import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, serverEventsConfig, type AppOptions, type CollectorApp } from '@rtcpulse/collector';
import { DEFAULT_PRICING, type ReportBatch } from '@rtcpulse/schema';
import { expect } from 'vitest';
import { collectQueries, generateDashboards, type ExpansionContext, type PanelQuery, type VariableValue } from '../src/index.js';
import { PROFILES, seedBatches } from './seed.js';
import { SEED_SERVER_KEYS, seedServerReports } from './seed-server.js';

/**
 * The collector on embedded ClickHouse (its real schema) with the seed
 * posted through `/v1/reports` and `/v1/server/*`, for the store tests of
 * the dashboards. One per test file (chdb allows one data directory per
 * process).
 */
export interface SeededStore {
  readonly app: CollectorApp;
  /** When the seed was posted (its samples end just before it), epoch ms. */
  readonly now: number;
  /** Tables and their columns, as the collector created them. */
  readonly schema: ReadonlyMap<string, ReadonlySet<string>>;
  run(sql: string): Promise<Record<string, unknown>[]>;
  /** Result column names of a query (also when it returns no rows). */
  columns(sql: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Tenants of the seed. */
export const TENANTS = [...new Set(PROFILES.map((p) => p.tenant))];

export const all = (options: readonly string[]): VariableValue => ({ all: true, options });
export const one = (value: string): VariableValue => ({ values: [value] });

/** Every variable at "All" (the drill-down's session and pc concrete). */
export const ALL_VARIABLES: Record<string, VariableValue> = {
  tenant: all(TENANTS),
  region: all(PROFILES.map((p) => p.region)),
  browser: all(PROFILES.map((p) => p.browser)),
  session: one('sess-lossy'),
  pc: one('pc-a'),
};

/** Every query of every generated dashboard. */
export const QUERIES: readonly PanelQuery[] = generateDashboards().flatMap(collectQueries);

/** The one query of a panel (or variable, annotation) of a dashboard. */
export function queryOf(dashboard: string, where: string): PanelQuery {
  const found = QUERIES.filter((q) => q.dashboard === dashboard && q.where === where);
  if (found.length !== 1) throw new Error(`${dashboard} / ${where}: ${found.length} queries`);
  return found[0]!;
}

/** Expansion context over the seed's range (15 min before to 1 min after `now`), at `intervalMs`. */
export function contextAt(store: Pick<SeededStore, 'now'>, query: PanelQuery, variables: Record<string, VariableValue>, intervalMs = 10_000): ExpansionContext {
  const scoped = { ...query.constants, ...variables };
  return {
    from: new Date(store.now - 15 * 60_000),
    to: new Date(store.now + 60_000),
    intervalMs,
    variables: query.dashboard === 'rtcpulse-session' ? { ...scoped, tenant: one('tenant-a') } : scoped,
  };
}

/**
 * Start the collector in a fresh data directory and post the seed, plus
 * `extra(now)`'s batches (their tenants get keys too).
 */
export async function openSeededStore(extra: (now: number) => readonly ReportBatch[] = () => []): Promise<SeededStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-dashboards-'));
  const now = Date.now();
  const batches = [...seedBatches(now), ...extra(now)];
  const tenants = [...new Set([...TENANTS, ...batches.map((b) => b.tenant)])];
  const security = { tenants: { tenants: tenants.map((id) => ({ id, publicKeys: [{ key: id, origins: ['*'] }], serverKeys: [] })) } } as unknown as AppOptions['security'];
  const app = await buildApp({ store: { kind: 'embedded', dataDir }, security, serverEvents: serverEventsConfig(SEED_SERVER_KEYS, DEFAULT_PRICING) });
  for (const batch of batches) {
    // Stamped as it is sent, as the SDK stamps each attempt: a batch posted over 2 s after the seed's `now` would
    // otherwise read as a skewed client clock and have its timestamps moved.
    const response = await app.inject({ method: 'POST', url: `/v1/reports?key=${encodeURIComponent(batch.tenant)}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...batch, sentAt: Date.now() }) });
    expect(response.statusCode, response.body).toBe(202);
  }
  for (const post of seedServerReports(now)) {
    const response = await app.inject({ method: 'POST', url: `/v1/server/${post.path}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${post.key}` }, payload: JSON.stringify(post.body) });
    expect(response.statusCode, response.body).toBe(202);
  }
  const run = async (sql: string): Promise<Record<string, unknown>[]> => (await app.store.client.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, unknown>>();
  const columns = async (sql: string): Promise<string[]> => {
    const result = await app.store.client.query({ query: sql, format: 'JSON' });
    return (await result.json<Record<string, unknown>>()).meta?.map((m) => m.name) ?? [];
  };
  const schema = new Map<string, Set<string>>();
  for (const row of await run('SELECT table, name FROM system.columns WHERE database = currentDatabase()')) {
    const table = String(row.table);
    if (!schema.has(table)) schema.set(table, new Set());
    schema.get(table)!.add(String(row.name));
  }
  return {
    app,
    now,
    schema,
    run,
    columns,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
