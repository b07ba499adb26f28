import { DEFAULT_PRICES, ruleById, ruleSql, type SqlTarget } from '@rtcpulse/alerts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandQuery, type PanelQuery, type VariableValue } from '../src/index.js';
import { ALL_VARIABLES, contextAt, one, openSeededStore, queryOf, type SeededStore } from './seeded-store.js';

/**
 * The SFU egress panels of the cost dashboard on the collector's real
 * schema, against figures worked out by hand from the seed's SFU reports
 * (seed-server.ts). The two reports of a tenant differ in participants,
 * interval length, receivers and layers, so only the right denominator
 * (participant-hours: participants × interval, summed over the bucket's
 * reports) gives these figures.
 *
 * tenant-a, region eu-west:
 * - earlier report (ends 60 s ago, 30 s, 4 participants): egress 12 + 3 + 1 + 3 + 1 MB = 0.020 GB to
 *   3 receivers on 3 layers; participant time 4 × 30 s = 120 s = 1/30 h → 0.020 × 30 = 0.60 GB per participant-hour.
 * - later report (ends 30 s ago, 20 s, 3 participants): 12 MB = 0.012 GB to 1 receiver on 1 layer;
 *   3 × 20 s = 60 s = 1/60 h → 0.012 × 60 = 0.72.
 * - both in one bucket: (0.020 + 0.012) GB / (120 + 60 s = 1/20 h) = 0.032 × 20 = 0.64.
 * tenant-b (participants × 2, bytes × 3): 0.060 GB / (8 × 30 s = 1/15 h) = 0.90; 0.036 GB / (6 × 20 s = 1/30 h) = 1.08;
 *   together 0.096 GB / (360 s = 0.1 h) = 0.96.
 *
 * What wrong denominators give for tenant-a's earlier report instead: per receiver 0.020 / 3 ≈ 0.0067, per
 * layer the same, per minute of interval 0.020 / 0.5 = 0.04, per participant regardless of time 0.020 / 4 =
 * 0.005, per hour of report without participants 0.020 × 120 = 2.4; and for a bucket holding both reports,
 * the mean of the two reports' ratios (0.60 + 0.72) / 2 = 0.66, not 0.64; both tenants summed
 * (0.020 + 0.060) / (1/30 + 1/15) = 0.80, not 0.60.
 */

let store: SeededStore;

beforeAll(async () => {
  store = await openSeededStore();
});

afterAll(async () => {
  await store?.close();
});

/** Grafana intervals from a wide screen over minutes to a narrow one over days. */
const INTERVALS_MS = [2_000, 10_000, 60_000, 3_600_000];
/** GB per participant-hour by tenant: earlier report, later report, both in one bucket (worked out above). */
const PER_HOUR: Readonly<Record<string, { earlier: number; later: number; both: number }>> = {
  'tenant-a': { earlier: 0.6, later: 0.72, both: 0.64 },
  'tenant-b': { earlier: 0.9, later: 1.08, both: 0.96 },
};

/** Whether the two SFU reports (ending 60 s and 30 s before the seed's `now`) fall in one bucket of `intervalMs`. */
function sameBucket(intervalMs: number): boolean {
  const bucket = (agoMs: number) => Math.floor(Math.floor((store.now - agoMs) / 1000) / (intervalMs / 1000));
  return bucket(60_000) === bucket(30_000);
}

const ofTenant = (tenant: string): Record<string, VariableValue> => ({ ...ALL_VARIABLES, tenant: one(tenant) });

async function panelRows(query: PanelQuery, intervalMs: number, variables: Record<string, VariableValue>): Promise<Record<string, unknown>[]> {
  return store.run(expandQuery(query.rawSql, contextAt(store, query, variables, intervalMs)));
}

describe('SFU egress per participant-hour', () => {
  const panel = queryOf('rtcpulse-cost', 'SFU egress per participant-hour');

  it.each(INTERVALS_MS)('at a %i ms interval each bucket shows the hand-worked figure of the reports in it', async (intervalMs) => {
    for (const [tenant, figures] of Object.entries(PER_HOUR)) {
      const rows = await panelRows(panel, intervalMs, ofTenant(tenant));
      const expected = sameBucket(intervalMs) ? [figures.both] : [figures.earlier, figures.later];
      expect(rows.map((r) => r.region), tenant).toEqual(expected.map(() => 'eu-west'));
      expect(rows.map((r) => Number(r.egress_gb_per_participant_hour)), `${tenant} at ${intervalMs} ms`).toEqual(expected.map((v) => expect.closeTo(v, 9)));
    }
  });

  it("the alert rule's value is the figure of both reports together, per tenant and region", async () => {
    const target: SqlTarget = { now: `fromUnixTimestamp64Milli(${store.now + 60_000})`, oneTenant: false, prices: DEFAULT_PRICES };
    const rows = await store.run(ruleSql(ruleById('sfu-egress-per-participant-hour').rule, target));
    const values = Object.fromEntries(rows.map((r) => [`${String(r.tenant)}/${String(r.region)}`, Number(r.value)]));
    expect(values).toEqual({ 'tenant-a/eu-west': expect.closeTo(0.64, 9), 'tenant-b/eu-west': expect.closeTo(0.96, 9) });
  });
});

describe('SFU egress by simulcast layer', () => {
  it('shows each bucket\'s GB per layer: 12 MB on f in both reports, 6 MB on q and 2 MB of audio in the earlier one', async () => {
    const panel = queryOf('rtcpulse-cost', 'SFU egress by simulcast layer');
    const rows = await panelRows(panel, 10_000, ofTenant('tenant-a'));
    const byLayer = (index: number) => Object.fromEntries(rows.filter((r) => r.time === [...new Set(rows.map((x) => x.time))][index]).map((r) => [r.layer, Number(r.egress_gb)]));
    expect(byLayer(0)).toEqual({ f: expect.closeTo(0.012, 12), q: expect.closeTo(0.006, 12), '0': expect.closeTo(0.002, 12) });
    expect(byLayer(1)).toEqual({ f: expect.closeTo(0.012, 12) });
    expect(new Set(rows.map((r) => r.time)).size).toBe(2);
  });
});
