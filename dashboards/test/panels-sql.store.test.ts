import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createAuditLog, serverEventsConfig, type AppOptions, type CollectorApp, type CostBreakdown } from '@rtcpulse/collector';
import { DEFAULT_PRICING, EVENT_TYPES } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseFormat, collectQueries, expandQuery, generateDashboards, type ExpansionContext, type PanelQuery, type VariableValue } from '../src/index.js';
import { COST_COMPONENTS_SQL } from '../src/sql/cost.js';
import { PROFILES, seedBatches } from './seed.js';
import { SEED_SERVER_KEYS, seedServerReports } from './seed-server.js';

/**
 * Every ClickHouse query of every generated dashboard, with the plugin's
 * macros and Grafana's variables expanded, runs against the real collector
 * schema (embedded ClickHouse, created by the collector) over data posted
 * through /v1/reports and /v1/server/*, and returns the columns its panel
 * needs, non-empty. Constant variables (runbook base, prices) take the
 * values the generated dashboards hold.
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

const boards = generateDashboards();

function contextFor(query: PanelQuery, variables: Record<string, VariableValue>): ExpansionContext {
  const scoped = { ...query.constants, ...variables };
  return { from: new Date(now - 15 * 60_000), to: new Date(now + 60_000), intervalMs: 10_000, variables: query.dashboard === 'rtcpulse-session' ? { ...scoped, tenant: one('tenant-a') } : scoped };
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

/** Tables this test fills through /v1/reports and /v1/server/* (directly or through the collector's materialized views). */
const SEEDED = new Set(['samples', 'events', 'batches', 'sessions', 'server_events']);

async function run(sql: string): Promise<Record<string, unknown>[]> {
  const result = await app.store.client.query({ query: sql, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}

const queries = boards.flatMap(collectQueries);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-dashboards-'));
  app = await buildApp({ store: { kind: 'embedded', dataDir }, security, serverEvents: serverEventsConfig(SEED_SERVER_KEYS, DEFAULT_PRICING) });
  now = Date.now();
  for (const batch of seedBatches(now)) {
    const response = await app.inject({ method: 'POST', url: `/v1/reports?key=${encodeURIComponent(batch.tenant)}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(batch) });
    expect(response.statusCode, response.body).toBe(202);
  }
  for (const post of seedServerReports(now)) {
    const response = await app.inject({ method: 'POST', url: `/v1/server/${post.path}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${post.key}` }, payload: JSON.stringify(post.body) });
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
  it('covers every dashboard and runs every query now', () => {
    const runnable = queries.filter((q) => !pendingReason(q));
    const pending = queries.filter((q) => pendingReason(q));
    console.log(`dashboard queries: ${queries.length}, runnable now: ${runnable.length}, pending: ${pending.length}`);
    for (const q of pending) console.log(`  pending  ${q.dashboard} / ${q.where}: ${pendingReason(q)}`);
    expect(new Set(runnable.map((q) => q.dashboard)).size).toBe(7);
    expect(pending.map((q) => `${q.dashboard} / ${q.where}: ${pendingReason(q)}`)).toEqual([]);
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

  it('counts sessions by their latest consent state', async () => {
    const consent = queries.find((q) => q.dashboard === 'rtcpulse-compliance' && q.where === 'Sessions by consent state')!;
    const rows = await run(expandQuery(consent.rawSql, contextFor(consent, ALL_VARIABLES)));
    expect(rows.map((r) => [r.consent_state, Number(r.sessions)])).toEqual([['granted', 1], ['unknown', 1], ['withdrawn', 1]]);
    const tenantB = await run(expandQuery(consent.rawSql, contextFor(consent, { ...ALL_VARIABLES, tenant: one('tenant-b') })));
    expect(tenantB.map((r) => [r.consent_state, Number(r.sessions)])).toEqual([['unknown', 1]]);
  });

  it('shows each collector instance\'s audit chain intact, from a time range that starts mid-chain, and a deleted row as a break', async () => {
    let clock = now - 60 * 60_000; // the first rows of each chain fall before the dashboard's time range
    const storage = { client: app.store.client, insertRows: (table: string, rows: readonly object[], token?: string) => app.store.insertRows(table, rows, token) };
    const logAs = (writer: string) => createAuditLog(storage, { hmacKey: Buffer.alloc(32, 3), service: 'rtcpulse-collector', region: '', writer }, { error: () => undefined }, () => clock);
    const writers = [logAs('collector-a'), logAs('collector-b')];
    for (let i = 0; i < 10; i++) {
      if (i === 4) clock = now - 60_000;
      await writers[i % 2]?.append([{ tenant: 'tenant-c', action: 'admin.change', outcome: 'success', object: `change-${i}` }]);
    }
    const panel = queries.find((q) => q.dashboard === 'rtcpulse-compliance' && q.where === 'Hash-chain linkage')!;
    const status = async () => {
      const rows = await run(expandQuery(panel.rawSql, contextFor(panel, { ...ALL_VARIABLES, tenant: one('tenant-c') })));
      return rows.map((r) => [Number(r.chains), Number(r.rows), Number(r.chain_breaks), r.status]);
    };
    expect(await status()).toEqual([[2, 6, 0, 'intact']]);
    await app.store.client.command({ query: "ALTER TABLE audit_log DELETE WHERE tenant = 'tenant-c' AND writer = 'collector-b' AND seq = 4", clickhouse_settings: { mutations_sync: '2' } });
    expect(await status()).toEqual([[2, 5, 1, 'BROKEN']]);
  });

  it("prices usage in SQL exactly as the collector's cost API does with its default pricing", async () => {
    const { key } = SEED_SERVER_KEYS[0];
    const from = now - 15 * 60_000;
    const to = now + 60_000;
    const response = await app.inject({ method: 'GET', url: `/v1/server/cost?from=${from}&to=${to}`, headers: { authorization: `Bearer ${key}` } });
    expect(response.statusCode, response.body).toBe(200);
    const collector = response.json<CostBreakdown>();
    const costs = queries.find((q) => q.dashboard === 'rtcpulse-cost' && q.where === 'Cost per participant-hour by component')!;
    const buckets = await run(expandQuery(COST_COMPONENTS_SQL, contextFor(costs, { ...ALL_VARIABLES, tenant: one('tenant-a') })));
    const total = (column: string) => buckets.reduce((sum, b) => sum + Number(b[column]), 0);
    const hours = total('hours');
    expect(hours).toBeCloseTo(collector.usage.participantHours, 9);
    for (const component of ['cpu', 'ram', 'egress', 'storage'] as const) {
      expect(total(component), component).toBeGreaterThan(0);
      expect(total(component) / hours, component).toBeCloseTo(collector.perParticipantHour![component], 9);
    }
    const share = queries.find((q) => q.dashboard === 'rtcpulse-runbook' && q.where === 'Egress share of infrastructure cost')!;
    const shares = await run(expandQuery(share.rawSql, contextFor(share, ALL_VARIABLES)));
    const pct = shares.map((r) => Number(r.egress_cost_pct));
    expect(pct.length).toBeGreaterThan(0);
    for (const value of pct) expect(value).toBeGreaterThan(0);
    for (const value of pct) expect(value).toBeLessThan(100);
  });
});
