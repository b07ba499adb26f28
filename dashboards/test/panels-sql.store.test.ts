import { createAuditLog, type CostBreakdown } from '@rtcpulse/collector';
import { EVENT_TYPES } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseFormat, expandQuery, generateDashboards, type PanelQuery, type VariableValue } from '../src/index.js';
import { SESSION_LINK_URL } from '../src/panels.js';
import { COST_COMPONENTS_SQL } from '../src/sql/cost.js';
import { ALL_VARIABLES, QUERIES, contextAt, one, openSeededStore, type SeededStore } from './seeded-store.js';
import { SEED_SERVER_KEYS } from './seed-server.js';

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

let store: SeededStore;
const run = (sql: string): Promise<Record<string, unknown>[]> => store.run(sql);
const contextFor = (query: PanelQuery, variables: Record<string, VariableValue>) => contextAt(store, query, variables);

const NARROW_VARIABLES: Record<string, VariableValue> = { ...ALL_VARIABLES, tenant: one('tenant-a'), region: { values: ['eu-west', 'us-east'] }, browser: one('firefox') };

/** Why a query cannot run on this store yet, or undefined when it can. */
function pendingReason(query: PanelQuery): string | undefined {
  for (const [table, columns] of Object.entries(query.needs.tables)) {
    const have = store.schema.get(table);
    if (!have) return `table ${table} does not exist yet`;
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length > 0) return `${table} lacks ${missing.join(', ')}`;
  }
  const unknown = (query.needs.eventTypes ?? []).filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  return unknown.length > 0 ? `event types not in the registry: ${unknown.join(', ')}` : undefined;
}

/** Tables this test fills through /v1/reports and /v1/server/* (directly or through the collector's materialized views). */
const SEEDED = new Set(['samples', 'events', 'batches', 'sessions', 'server_events']);

const queries = QUERIES;

beforeAll(async () => {
  store = await openSeededStore();
});

afterAll(async () => {
  await store?.close();
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
      // A bucket holding only connections' first samples has no counter deltas yet (NULL), so look at every row.
      const numeric = (row: Record<string, unknown>) => Object.entries(row).some(([k, v]) => k !== 'time' && (typeof v === 'number' || (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)))));
      expect(rows.some(numeric), 'a numeric value column').toBe(true);
    }
    if (first && query.where.startsWith('variable ')) expect(Object.keys(first)).toHaveLength(1);
    // The same query with concrete selections (multi-value, quoted) must also be valid SQL.
    await run(expandQuery(query.rawSql, contextFor(query, NARROW_VARIABLES)));
  });

  it('links every table that returns a session_id to the drill-down, with the tenant it needs', async () => {
    type TablePanel = { type: string; title: string; targets?: { rawSql?: string }[]; panels?: TablePanel[]; fieldConfig?: { overrides?: { matcher: { id: string; options: string }; properties: { id: string; value: { url: string }[] }[] }[] } };
    const withSessionIds: string[] = [];
    for (const board of generateDashboards()) {
      const panels = ((board.dashboard.panels ?? []) as unknown as TablePanel[]).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type === 'table');
      for (const panel of panels) {
        const query = queries.find((q) => q.dashboard === board.dashboard.uid && q.where === panel.title && q.rawSql === panel.targets?.[0]?.rawSql);
        expect(query, `${board.dashboard.uid} / ${panel.title}`).toBeDefined();
        if (!query || pendingReason(query)) continue;
        const columns = await store.columns(expandQuery(query.rawSql, contextFor(query, ALL_VARIABLES)));
        if (!columns.includes('session_id')) continue;
        withSessionIds.push(`${board.dashboard.uid} / ${panel.title}`);
        const link = panel.fieldConfig?.overrides?.find((o) => o.matcher.id === 'byName' && o.matcher.options === 'session_id');
        expect(link?.properties.flatMap((p) => (p.id === 'links' ? p.value.map((v) => v.url) : [])), `${panel.title}: session_id link`).toEqual([SESSION_LINK_URL]);
        expect(columns, `${panel.title}: the link passes the row's tenant`).toContain('tenant');
      }
    }
    expect(withSessionIds).toEqual(expect.arrayContaining(['rtcpulse-compliance / Recordings without prior consent', 'rtcpulse-overview / Most degraded sessions', 'rtcpulse-errors / Recent failures']));
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

  it("draws the clients' simulcast layer bytes per participant-minute: each layer's stored bytes over the participant-minutes (runbook 4)", async () => {
    const panel = (where: string) => queries.find((q) => q.dashboard === 'rtcpulse-cost' && q.where === where)!;
    const byLayer = panel('Client-sent bytes per participant-minute by simulcast layer');
    const minutes = panel('Participant-minutes');
    const context = { ...contextFor(byLayer, ALL_VARIABLES), intervalMs: 3_600_000 };
    const layerRows = await run(expandQuery(byLayer.rawSql, context));
    const minuteRows = await run(expandQuery(minutes.rawSql, { ...contextFor(minutes, ALL_VARIABLES), intervalMs: 3_600_000 }));
    const [stored] = await run('SELECT sum(video_out_layer0_bytes) AS l0, sum(video_out_layer1_bytes) AS l1, sum(video_out_layer2_bytes) AS l2 FROM samples');
    // Per time bucket, rate × the bucket's participant-minutes summed over the buckets gives every byte stored, layer by layer.
    const total = (layer: number) =>
      layerRows.reduce((sum, row, i) => sum + Number(row[`layer${layer}_bytes_per_participant_minute`]) * Number(minuteRows[i]?.participant_minutes), 0);
    expect(layerRows.map((r) => String(r.time))).toEqual(minuteRows.map((r) => String(r.time)));
    // The seed gives each layer its own amount (layer 2 the most): a panel reading one layer's column for another fails here.
    expect(Number(stored?.['l0'])).toBeLessThan(Number(stored?.['l1']));
    expect(Number(stored?.['l1'])).toBeLessThan(Number(stored?.['l2']));
    for (const layer of [0, 1, 2]) {
      expect(Number(stored?.[`l${layer}`])).toBeGreaterThan(0);
      expect(total(layer)).toBeCloseTo(Number(stored?.[`l${layer}`]), 0);
    }
  });

  it('counts joins without a leave from the audit log the collector writes', async () => {
    const joins = queries.find((q) => q.dashboard === 'rtcpulse-compliance' && q.where === 'Joins without a leave')!;
    // Right after the calls, a missing leave is not yet missing: the 4 h grace of AuditJoinWithoutLeave.
    const soon = await run(expandQuery(joins.rawSql, contextFor(joins, ALL_VARIABLES)));
    expect(soon.map((r) => [r.tenant, Number(r.joined), Number(r.joined_without_leave)])).toEqual([['tenant-a', 3, 0]]);
    // Five hours on, over a range that still holds the joins: tenant-a's three connected sessions joined; the lossy one never reported its leave.
    const later = { ...contextFor(joins, ALL_VARIABLES), from: new Date(store.now - 15 * 60_000), to: new Date(store.now + 5 * 3_600_000) };
    const rows = await run(expandQuery(joins.rawSql, later));
    expect(rows.map((r) => [r.tenant, Number(r.joined), Number(r.joined_without_leave)])).toEqual([['tenant-a', 3, 1]]);
  });

  it('counts sessions by their latest consent state', async () => {
    const consent = queries.find((q) => q.dashboard === 'rtcpulse-compliance' && q.where === 'Sessions by consent state')!;
    const rows = await run(expandQuery(consent.rawSql, contextFor(consent, ALL_VARIABLES)));
    expect(rows.map((r) => [r.consent_state, Number(r.sessions)])).toEqual([['granted', 2], ['unknown', 1], ['withdrawn', 1]]);
    const tenantB = await run(expandQuery(consent.rawSql, contextFor(consent, { ...ALL_VARIABLES, tenant: one('tenant-b') })));
    expect(tenantB.map((r) => [r.consent_state, Number(r.sessions)])).toEqual([['unknown', 1]]);
  });

  it('shows each collector instance\'s audit chain intact, from a time range that starts mid-chain, and a deleted row as a break', async () => {
    let clock = store.now - 60 * 60_000; // the first rows of each chain fall before the dashboard's time range
    const { app } = store;
    const storage = { client: app.store.client, insertRows: (table: string, rows: readonly object[], token?: string) => app.store.insertRows(table, rows, token) };
    const logAs = (writer: string) => createAuditLog(storage, { hmacKey: Buffer.alloc(32, 3), service: 'rtcpulse-collector', region: '', writer }, { error: () => undefined }, () => clock);
    const writers = [logAs('collector-a'), logAs('collector-b')];
    for (let i = 0; i < 10; i++) {
      if (i === 4) clock = store.now - 60_000;
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
    const from = store.now - 15 * 60_000;
    const to = store.now + 60_000;
    const response = await store.app.inject({ method: 'GET', url: `/v1/server/cost?from=${from}&to=${to}`, headers: { authorization: `Bearer ${key}` } });
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
    // The panel's line: the range is shorter than an hour, so its last point covers all of it and is the API's figure
    // (a ratio per 20 s bucket dropped the cost of buckets without SFU participant time, and its last point was one bucket's).
    const tenantA = contextFor(costs, { ...ALL_VARIABLES, tenant: one('tenant-a') });
    const line = await run(expandQuery(costs.rawSql, tenantA));
    const lastTime = line.at(-1)?.time;
    const last = Object.fromEntries(line.filter((r) => r.time === lastTime).map((r) => [r.component, Number(r.usd_per_participant_hour)]));
    for (const component of ['cpu', 'ram', 'egress', 'storage'] as const) {
      expect(last[component], component).toBeCloseTo(collector.perParticipantHour![component], 9);
    }
    // The range table: dollars and dollars per participant-hour, per component and in total, as the API gives them.
    const range = queries.find((q) => q.dashboard === 'rtcpulse-cost' && q.where === 'Cost over the range')!;
    const rows = await run(expandQuery(range.rawSql, contextFor(range, { ...ALL_VARIABLES, tenant: one('tenant-a') })));
    expect(rows.map((r) => r.component)).toEqual(['cpu', 'ram', 'egress', 'storage', 'total']);
    for (const r of rows) {
      const component = r.component as 'cpu' | 'ram' | 'egress' | 'storage' | 'total';
      expect(Number(r.usd), component).toBeCloseTo(collector.cost[component], 9);
      expect(Number(r.usd_per_participant_hour), component).toBeCloseTo(collector.perParticipantHour![component], 9);
    }
    const share = queries.find((q) => q.dashboard === 'rtcpulse-runbook' && q.where === 'Egress share of infrastructure cost')!;
    const shares = await run(expandQuery(share.rawSql, contextFor(share, ALL_VARIABLES)));
    const pct = shares.map((r) => Number(r.egress_cost_pct));
    expect(pct.length).toBeGreaterThan(0);
    for (const value of pct) expect(value).toBeGreaterThan(0);
    for (const value of pct) expect(value).toBeLessThan(100);
  });
});
