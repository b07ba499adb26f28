import { CALL_SETUP_SLO, DEFAULT_PRICES, DEGRADED_SESSION_SLO, ruleById, ruleSql, type SqlTarget } from '@rtcpulse/alerts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandQuery, type PanelQuery, type VariableValue } from '../src/index.js';
import { ALL_VARIABLES, contextAt, one, openSeededStore, queryOf, type SeededStore } from './seeded-store.js';
import { PROFILES, degradedIntervalPct, seedBatches } from './seed.js';
import { parseExposition, qualityPromPanels, type Series } from './prom-panels.js';

/**
 * Panels that show what an alert rule or SLO evaluates must give the rule's
 * value on the same data, whatever Grafana's interval: run on the real
 * collector schema over the seed.
 */

let store: SeededStore;
let target: SqlTarget;

beforeAll(async () => {
  store = await openSeededStore(setupOutcomes);
  target = { now: `fromUnixTimestamp64Milli(${store.now + 60_000})`, oneTenant: false, prices: DEFAULT_PRICES };
});

afterAll(async () => {
  await store?.close();
});

/**
 * Beside the seed, a tenant of its own with four connections: two connect
 * and stay up, one connects and fails mid-call, one fails before it ever
 * connects: call setup succeeded for three of four.
 */
function setupOutcomes(now: number) {
  const [template] = seedBatches(now);
  const at = (ms: number) => now - 60_000 + ms;
  const pc = (id: string, states: readonly string[]) => [
    { pc: id, ts: at(0), type: 'pc.added' as const },
    ...states.map((state, i) => ({ pc: id, ts: at(10_000 * (i + 1)), type: 'connection.state' as const, state })),
  ];
  const events = [...pc('up-1', ['connected']), ...pc('up-2', ['connected']), ...pc('mid-call', ['connected', 'failed']), ...pc('setup', ['failed'])];
  return [{ ...template!, tenant: 'tenant-setup', sessionId: 'sess-setup', samples: [], events, dropped: { samples: 0, events: 0 } }];
}

/** Grafana intervals from a wide screen over minutes to a narrow one over days. */
const INTERVALS_MS = [2_000, 10_000, 60_000, 3_600_000];

const TENANT_A: Record<string, VariableValue> = { ...ALL_VARIABLES, tenant: one('tenant-a') };

async function panelRows(query: PanelQuery, intervalMs: number, variables = TENANT_A): Promise<Record<string, unknown>[]> {
  return store.run(expandQuery(query.rawSql, contextAt(store, query, variables, intervalMs)));
}

/** The alert rule's value per `tenant/region` on the seed. */
async function ruleValues(id: string): Promise<Map<string, number>> {
  const rows = await store.run(ruleSql(ruleById(id).rule, target));
  return new Map(rows.map((r) => [`${String(r.tenant)}/${String(r.region)}`, Number(r.value)]));
}

describe('runbook entry 4: client receive volume per participant-hour', () => {
  const panel = queryOf('rtcpulse-runbook', 'Client receive volume per participant-hour');
  const regions = PROFILES.filter((p) => p.tenant === 'tenant-a').map((p) => p.region);
  const inRegion = (region: string): Record<string, VariableValue> => ({ ...TENANT_A, region: one(region) });
  /** Bytes received per bucket, with the panel's filters. */
  const BYTES_SQL = `SELECT $__timeInterval(ts) AS time, sum(coalesce(bytes_received, 0)) AS bytes
FROM samples WHERE $__timeFilter(ts) AND tenant IN (\${tenant:singlequote}) AND region IN (\${region:singlequote}) GROUP BY time`;
  const value = (row: Record<string, unknown>): number => Number(row.received_gb_per_participant_hour);

  it.each(INTERVALS_MS)('at a %i ms interval every bucket is the rule value, and the buckets add up to it exactly', async (intervalMs) => {
    const expected = await ruleValues('client-receive-gb-per-hour');
    expect([...expected.keys()].sort()).toEqual(regions.map((r) => `tenant-a/${r}`).sort());
    for (const region of regions) {
      const alert = expected.get(`tenant-a/${region}`)!;
      const buckets = await panelRows(panel, intervalMs, inRegion(region));
      const bytes = await store.run(expandQuery(BYTES_SQL, contextAt(store, panel, inRegion(region), intervalMs)));
      expect(buckets.length, region).toBeGreaterThan(0);
      // The seed's receive rate drifts by under 8 % over a call: no bucket may stray further.
      for (const b of buckets) expect(Math.abs(value(b) / alert - 1), `${region} ${String(b.time)}: ${value(b)} vs ${alert}`).toBeLessThan(0.1);
      // Participant-hours implied by each bucket (bytes / value) add up to the rule's: the ratio over them is the rule's value.
      let gb = 0;
      let hours = 0;
      for (const b of buckets) {
        const bucketGb = Number(bytes.find((x) => x.time === b.time)?.bytes) / 1e9;
        gb += bucketGb;
        hours += bucketGb / value(b);
      }
      expect(gb / hours, region).toBeCloseTo(alert, 9);
    }
  });

  it('draws one line per region, as the rule fires per region', async () => {
    const rows = await panelRows(panel, 10_000);
    expect(new Set(rows.map((r) => r.region))).toEqual(new Set(regions));
  });

  it('counts a session on two peer connections once, as the rule does', async () => {
    const expected = await ruleValues('client-receive-gb-per-hour');
    // sess-clean receives on two connections, sess-far on one, at the same per-connection rate.
    expect(expected.get('tenant-a/eu-west')! / expected.get('tenant-a/eu-central')!).toBeCloseTo(2, 1);
    const mean = async (region: string) => {
      const values = (await panelRows(panel, 2_000, inRegion(region))).map(value);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect((await mean('eu-west')) / (await mean('eu-central'))).toBeCloseTo(2, 1);
  });
});

describe('cost: participant time (SFU egress per participant-hour: sfu-egress.store.test.ts)', () => {
  it('participant-minutes add up to the same total at every interval, equal to the overview count', async () => {
    const panel = queryOf('rtcpulse-cost', 'Participant-minutes');
    const overview = queryOf('rtcpulse-overview', 'Participant-minutes');
    const [total] = await panelRows(overview, 10_000);
    // 39 sampled intervals of 2 s per session (the first sample of a connection has no length).
    const sessions = PROFILES.filter((p) => p.tenant === 'tenant-a').length;
    expect(Number(total?.participant_minutes)).toBeCloseTo((sessions * 39 * 2) / 60, 9);
    for (const intervalMs of INTERVALS_MS) {
      const rows = await panelRows(panel, intervalMs);
      expect(rows.reduce((sum, r) => sum + Number(r.participant_minutes), 0), `${intervalMs} ms`).toBeCloseTo(Number(total?.participant_minutes), 9);
    }
  });
});

describe('call-setup success: the SLO\'s definition', () => {
  it('counts a connection that failed after connecting as set up, and one that failed before as not', async () => {
    const panel = queryOf('rtcpulse-overview', 'Call-setup success');
    const rows = await panelRows(panel, 2_000, { ...ALL_VARIABLES, tenant: one('tenant-setup') });
    expect(rows.map((r) => Number(r.setup_success_pct))).toEqual([75]);
    // The SLO's own ratio on the same rows: one bad connection of four.
    const setup = (await store.run(CALL_SETUP_SLO.ratios({ ...target, lookbackSeconds: 16 * 60 }, 300))).find((r) => r.tenant === 'tenant-setup');
    expect(Number(setup?.long_ratio)).toBe(0.25);
  });
});

describe("degraded sessions: the SDK's classification, as the SLO counts it", () => {
  const short = 300;

  /** The SLO's long-window bad share per tenant over the dashboard range. */
  async function sloRatios(): Promise<Map<string, number>> {
    const rows = await store.run(DEGRADED_SESSION_SLO.ratios({ ...target, lookbackSeconds: 16 * 60 }, short));
    return new Map(rows.map((r) => [String(r.tenant), Number(r.long_ratio)]));
  }

  it("the overview's share is the SLO's ratio, and a far call with good audio and video is not degraded", async () => {
    const slo = await sloRatios();
    const tenantA = PROFILES.filter((p) => p.tenant === 'tenant-a');
    const degraded = tenantA.filter((p) => degradedIntervalPct(p) >= 20);
    expect(degraded.map((p) => p.sessionId)).toEqual(['sess-lossy']);
    expect(slo.get('tenant-a')).toBeCloseTo(degraded.length / tenantA.length, 9);
    const panel = queryOf('rtcpulse-overview', 'Degraded sessions');
    const [row] = await panelRows(panel, 10_000);
    expect(Number(row?.degraded_sessions_pct)).toBeCloseTo(100 * slo.get('tenant-a')!, 9);
  });

  it("the errors dashboard's share over time counts each session once, when the SDK classified it", async () => {
    const panel = queryOf('rtcpulse-errors', 'Degraded sessions');
    const rows = await panelRows(panel, 2_000);
    const tenantA = PROFILES.filter((p) => p.tenant === 'tenant-a');
    expect(rows.map((r) => Number(r.degraded_sessions_pct)).sort((a, b) => a - b)).toEqual(tenantA.map((p) => (degradedIntervalPct(p) >= 20 ? 100 : 0)).sort((a, b) => a - b));
  });

  it("the most degraded sessions show the share of degraded intervals the SDK reported", async () => {
    const panel = queryOf('rtcpulse-overview', 'Most degraded sessions');
    const rows = await panelRows(panel, 10_000, ALL_VARIABLES);
    const live = PROFILES.map((p) => [p.sessionId, degradedIntervalPct(p), degradedIntervalPct(p) >= 20 ? 'degraded' : 'ok']);
    expect(rows.map((r) => [r.session_id, Number(r.degraded_intervals_pct), r.classified])).toEqual(expect.arrayContaining(live));
    expect(rows[0]?.session_id).toBe('sess-lossy');
  });
});

describe("Prometheus panels read the series their titles name, on the collector's real /metrics", () => {
  it('inbound panels match only inbound series, one media kind per line', async () => {
    let scraped: Series[] = [];
    for (let attempt = 0; attempt < 50 && !scraped.some((s) => s.labels.direction === 'outbound'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      scraped = parseExposition((await store.app.inject({ method: 'GET', url: '/metrics' })).body);
    }
    const panels = qualityPromPanels().filter((p) => p.title.includes('(inbound'));
    expect(panels.map((p) => p.title.split(' — ')[0]).sort()).toEqual(['Estimated MOS (inbound audio)', 'Jitter (inbound)', 'Packet loss (inbound)', 'Video freeze time (inbound)']);
    for (const panel of panels) {
      const family = scraped.filter((s) => s.name === panel.series);
      // /metrics has outbound series of this family (except freeze time, inbound video only): the matchers must leave them out.
      if (!panel.title.startsWith('Video freeze')) expect(family.some((s) => s.labels.direction === 'outbound'), `${panel.series} outbound`).toBe(true);
      const matched = family.filter((s) => Object.entries(panel.matchers).every(([k, v]) => s.labels[k] === v));
      expect(matched.length, panel.title).toBeGreaterThan(0);
      expect(new Set(matched.map((s) => s.labels.direction)), panel.title).toEqual(new Set(['inbound']));
      if (panel.title.includes('(inbound audio)')) expect(new Set(matched.map((s) => s.labels.media_kind)), panel.title).toEqual(new Set(['audio']));
      // Each line (group) holds one media kind: media_kind is filtered or grouped by.
      const kinds = new Set(matched.map((s) => s.labels.media_kind));
      if (kinds.size > 1) expect(panel.by, panel.title).toContain('media_kind');
    }
  });
});
