import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type AppOptions, type CollectorApp } from '@rtcpulse/collector';
import { EVENT_TYPES } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseFormat, collectQueries, expandQuery, generateDashboards, type ExpansionContext, type PanelQuery, type VariableValue } from '../src/index.js';
import { PROFILES, seedBatches } from './seed.js';

/**
 * Every ClickHouse query of every generated dashboard, with the plugin's
 * macros and Grafana's variables expanded, runs against the real collector
 * schema (embedded ClickHouse, created by the collector) over data posted
 * through /v1/reports, and returns the columns its panel needs, non-empty.
 * Queries over tables or columns the collector does not have yet are listed
 * as pending (and printed), not run.
 */

const TENANTS = [...new Set(PROFILES.map((p) => p.tenant))];
const security = { tenants: { tenants: TENANTS.map((id) => ({ id, publicKeys: [{ key: id, origins: ['*'] }], serverKeys: [] })) } } as unknown as AppOptions['security'];

let app: CollectorApp;
let dataDir: string;
let now: number;
let schema: Map<string, Set<string>>;

const all = (options: readonly string[]): VariableValue => ({ all: true, options });
const one = (value: string): VariableValue => ({ values: [value] });

function contextFor(query: PanelQuery, variables: Record<string, VariableValue>): ExpansionContext {
  return { from: new Date(now - 15 * 60_000), to: new Date(now + 60_000), intervalMs: 10_000, variables: query.dashboard === 'rtcpulse-session' ? { ...variables, tenant: one('tenant-a') } : variables };
}

const ALL_VARIABLES: Record<string, VariableValue> = {
  tenant: all(TENANTS),
  region: all(PROFILES.map((p) => p.region)),
  browser: all(PROFILES.map((p) => p.browser)),
  session: one('sess-lossy'),
  pc: one('pc-a'),
};
const NARROW_VARIABLES: Record<string, VariableValue> = { ...ALL_VARIABLES, tenant: one('tenant-a'), region: { values: ['eu-west', 'us-east'] }, browser: one('firefox') };

/** Why a query cannot run on this store yet, or undefined when it can. */
function pendingReason(query: PanelQuery): string | undefined {
  for (const [table, columns] of Object.entries(query.needs.tables)) {
    const have = schema.get(table);
    if (!have) return `table ${table} does not exist yet`;
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length > 0) return `${table} lacks ${missing.join(', ')}`;
  }
  const unknown = (query.needs.eventTypes ?? []).filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  return unknown.length > 0 ? `event types not in the registry: ${unknown.join(', ')}` : undefined;
}

/** Tables this test fills through /v1/reports (directly or through the collector's materialized views). */
const SEEDED = new Set(['samples', 'events', 'batches', 'sessions']);

async function run(sql: string): Promise<Record<string, unknown>[]> {
  const result = await app.store.client.query({ query: sql, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}

const queries = generateDashboards().flatMap(collectQueries);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-dashboards-'));
  app = await buildApp({ store: { kind: 'embedded', dataDir }, security });
  now = Date.now();
  for (const batch of seedBatches(now)) {
    const response = await app.inject({ method: 'POST', url: `/v1/reports?key=${encodeURIComponent(batch.tenant)}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(batch) });
    expect(response.statusCode, response.body).toBe(202);
  }
  const columns = await run('SELECT table, name FROM system.columns WHERE database = currentDatabase()');
  schema = new Map();
  for (const row of columns) {
    const table = String(row.table);
    if (!schema.has(table)) schema.set(table, new Set());
    schema.get(table)!.add(String(row.name));
  }
});

afterAll(async () => {
  await app?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('dashboard SQL on the real store', () => {
  it('covers every dashboard and runs most queries now', () => {
    const runnable = queries.filter((q) => !pendingReason(q));
    const pending = queries.filter((q) => pendingReason(q));
    console.log(`dashboard queries: ${queries.length}, runnable now: ${runnable.length}, pending: ${pending.length}`);
    for (const q of pending) console.log(`  pending  ${q.dashboard} / ${q.where}: ${pendingReason(q)}`);
    expect(new Set(runnable.map((q) => q.dashboard)).size).toBe(7);
    expect(runnable.length).toBeGreaterThan(pending.length);
    // Alert rule forms keep only groups with enough volume; most still answer on this seed.
    const rules = runnable.filter((q) => q.needs.mayBeEmpty);
    expect(rules.length).toBeGreaterThan(10);
  });

  it.each(queries.map((q) => [`${q.dashboard} / ${q.where} / ${q.refId}`, q] as const))('%s', async (_name, query) => {
    const reason = pendingReason(query);
    if (reason) return;
    const rows = await run(expandQuery(query.rawSql, contextFor(query, ALL_VARIABLES)));
    const seeded = Object.keys(query.needs.tables).every((t) => SEEDED.has(t));
    if (seeded && !query.needs.mayBeEmpty) expect(rows.length, 'no rows').toBeGreaterThan(0);
    const first = rows[0];
    if (first && query.format === ClickHouseFormat.TimeSeries) {
      expect(Object.keys(first)).toContain('time');
      expect(Object.entries(first).some(([k, v]) => k !== 'time' && (typeof v === 'number' || (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))))), 'a numeric value column').toBe(true);
    }
    if (first && query.where.startsWith('variable ')) expect(Object.keys(first)).toHaveLength(1);
    // The same query with concrete selections (multi-value, quoted) must also be valid SQL.
    await run(expandQuery(query.rawSql, contextFor(query, NARROW_VARIABLES)));
  });

  it('filters by the selected tenant, region and browser', async () => {
    const browsers = queries.find((q) => q.dashboard === 'rtcpulse-overview' && q.where === 'variable browser')!;
    const rows = await run(expandQuery(browsers.rawSql, contextFor(browsers, { ...ALL_VARIABLES, tenant: one('tenant-b') })));
    expect(rows.map((r) => r.browser)).toEqual(['safari']);
  });

  it('shows the injected loss and failures where on-call looks for them', async () => {
    const worst = queries.find((q) => q.dashboard === 'rtcpulse-overview' && q.where === 'Most degraded sessions')!;
    const rows = await run(expandQuery(worst.rawSql, contextFor(worst, ALL_VARIABLES)));
    expect(rows[0]?.session_id).toBe('sess-lossy');
    const gum = queries.find((q) => q.dashboard === 'rtcpulse-errors' && q.where.startsWith('getUserMedia'))!;
    const errors = await run(expandQuery(gum.rawSql, contextFor(gum, ALL_VARIABLES)));
    expect(errors).toEqual([expect.objectContaining({ stage: 'getUserMedia', error_name: 'NotAllowedError', browser: 'safari' })]);
  });
});
