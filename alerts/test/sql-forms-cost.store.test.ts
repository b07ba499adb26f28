import type { CostBreakdown } from '@rtcpulse/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusDisagreements } from './prometheus-agreement.js';
import { startCollector, type TestCollector } from './sql-forms-collector.js';

/**
 * The cost rules' two forms on the same server reports, written through the
 * collector's server-event routes: the SQL form (embedded ClickHouse) agrees
 * with `GET /v1/server/cost`, and the Prometheus form, evaluated by promtool
 * on the cost counters the collector exported on `/metrics`, agrees with the
 * SQL form, with or without TURN and recorder reports and without node usage.
 */

const TENANTS = ['sfu-only', 'sfu-turn-rec', 'no-node'] as const;
type Tenant = (typeof TENANTS)[number];
const REGION: Readonly<Record<Tenant, string>> = { 'sfu-only': 'r-a', 'sfu-turn-rec': 'r-b', 'no-node': 'r-c' };
const QUARTER_HOUR = 900_000;
/** A tenant with exactly one participant-hour, as 30 one-minute reports of 2 participants (their float hours sum to 0.9999999999999999). */
const ONE_HOUR = 'one-hour';
/** Tolerances the forms must meet: the share in percent to 6 places, cost per participant-hour to 9 (|a − b| < 10^-n / 2). */
const SHARE_DIGITS = 6;
const PER_HOUR_DIGITS = 9;

let collector: TestCollector;
// What Prometheus reads: the first scrape after the reports shows their new series at 0, the next their values.
let scrapeZeros: string;
let scrapeAfter: string;

/** One SFU node, 8 cores and 16 GB, 5 GB egress and 40 participant-hours over the last hour (the reviewer's case). */
async function seedSfu(tenant: Tenant, withNode: boolean): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await collector.send('POST', '/v1/server/sfu', tenant, {
      v: 1,
      nodeId: 'sfu-1',
      region: REGION[tenant],
      ts: collector.now - i * QUARTER_HOUR - 1000,
      intervalMs: QUARTER_HOUR,
      participants: 40,
      ...(withNode ? { node: { cpuCores: 8, cpuUtilizationPct: 40, memoryUsedBytes: 6e9, memoryLimitBytes: 16e9 } } : {}),
      forwarded: [{ kind: 'video', layer: 'f', streams: 40 }],
      egress: [{ sessionId: 'room-1', receiverId: 'r-1', kind: 'video', layer: 'f', bytes: 1.25e9 }],
    });
  }
}

async function serverCost(tenant: Tenant): Promise<CostBreakdown> {
  const { now } = collector;
  return JSON.parse(await collector.send('GET', `/v1/server/cost?from=${now - 6 * 3_600_000}&to=${now + 1}`, tenant)) as CostBreakdown;
}

const values = async (tenant: Tenant, ruleId: string) => (await collector.evaluate(tenant, ruleId)).groups.map((g) => g.value);

beforeAll(async () => {
  collector = await startCollector([...TENANTS, ONE_HOUR]);
  await seedSfu('sfu-only', true);
  await seedSfu('sfu-turn-rec', true);
  await seedSfu('no-node', false);
  const turnRec = 'sfu-turn-rec';
  const { now } = collector;
  await collector.send('POST', '/v1/server/turn', turnRec, { v: 1, nodeId: 'turn-1', region: REGION[turnRec], ts: now - 2000, intervalMs: QUARTER_HOUR, allocations: 3, relayedBytes: 1e9 });
  const job = { v: 1, nodeId: 'rec-1', region: REGION[turnRec], jobId: 'job-1', sessionId: 'room-1' };
  await collector.send('POST', '/v1/server/recordings', turnRec, { ...job, ts: now - 60_000, state: 'started' });
  await collector.send('POST', '/v1/server/recordings', turnRec, { ...job, ts: now - 3000, state: 'finished', durationMs: 57_000, bytes: 0 });
  for (let i = 0; i < 30; i++) {
    await collector.send('POST', '/v1/server/sfu', ONE_HOUR, {
      v: 1, nodeId: 'sfu-1', region: 'r-d', ts: now - i * 60_000 - 1000, intervalMs: 60_000, participants: 2,
      node: { cpuCores: 4, cpuUtilizationPct: 40, memoryUsedBytes: 4e9, memoryLimitBytes: 8e9 },
      forwarded: [{ kind: 'video', layer: 'f', streams: 2 }],
      egress: [{ sessionId: 'room-1', receiverId: 'r-1', kind: 'video', layer: 'f', bytes: 40e6 }],
    });
  }
  scrapeZeros = await collector.scrape();
  scrapeAfter = await collector.scrape();
});

afterAll(async () => {
  await collector?.close();
});

describe('cost rules: the SQL form agrees with GET /v1/server/cost', () => {
  it('one SFU node, no TURN report and no finished recording: egress 50 % of cost, $0.02 per participant-hour (not 0)', async () => {
    const cost = await serverCost('sfu-only');
    expect(cost.cost.egress / cost.cost.total).toBeCloseTo(0.5, 9);
    expect(cost.perParticipantHour?.total).toBeCloseTo(0.02, 9);
    expect(await values('sfu-only', 'egress-cost-share')).toEqual([expect.closeTo(50, SHARE_DIGITS)]);
    expect(await values('sfu-only', 'cost-per-participant-hour')).toEqual([expect.closeTo(0.02, PER_HOUR_DIGITS)]);
  });

  it("with a TURN report and a finished recording of zero bytes the values stay the collector's (the sums are bracketed)", async () => {
    const cost = await serverCost('sfu-turn-rec');
    const expectedShare = (100 * cost.cost.egress) / cost.cost.total;
    expect(expectedShare).toBeGreaterThan(50);
    expect(expectedShare).toBeLessThan(100);
    expect(await values('sfu-turn-rec', 'egress-cost-share')).toEqual([expect.closeTo(expectedShare, SHARE_DIGITS)]);
    const perHour = await collector.evaluate('sfu-turn-rec', 'cost-per-participant-hour');
    expect(perHour.groups.map((g) => g.value)).toEqual([expect.closeTo(cost.perParticipantHour?.total ?? Number.NaN, PER_HOUR_DIGITS)]);
    expect(perHour.status).toBe('ok');
  });

  it('a tenant with exactly one participant-hour (a float sum a hair under 1) is judged, as the collector prices it', async () => {
    const { now } = collector;
    const cost = JSON.parse(await collector.send('GET', `/v1/server/cost?from=${now - 6 * 3_600_000}&to=${now + 1}`, ONE_HOUR)) as CostBreakdown;
    expect(cost.usage.participantHours).toBeCloseTo(1, 9);
    expect(await values(ONE_HOUR as Tenant, 'cost-per-participant-hour')).toEqual([expect.closeTo(cost.perParticipantHour?.total ?? Number.NaN, PER_HOUR_DIGITS)]);
  });

  it('SFUs without node usage: cost per participant-hour is egress alone; the egress share is not judged without a CPU cost', async () => {
    const cost = await serverCost('no-node');
    expect(cost.cost.cpu).toBe(0);
    expect(await values('no-node', 'cost-per-participant-hour')).toEqual([expect.closeTo(cost.perParticipantHour?.total ?? Number.NaN, PER_HOUR_DIGITS)]);
    expect((await collector.evaluate('no-node', 'egress-cost-share')).groups).toEqual([]);
  });
});

describe('cost rules: promtool evaluates the generated Prometheus rules on the exported counters and agrees with the SQL form', () => {
  it('egress share and cost per participant-hour, values and alerts, for every tenant (no value at all where SQL has none)', { timeout: 60_000 }, async () => {
    const tenants = await Promise.all(
      TENANTS.map(async (tenant) => ({
        tenant,
        region: REGION[tenant],
        checks: [
          { sql: await collector.evaluate(tenant, 'egress-cost-share'), digits: SHARE_DIGITS },
          { sql: await collector.evaluate(tenant, 'cost-per-participant-hour'), digits: PER_HOUR_DIGITS },
        ],
      })),
    );
    expect(await prometheusDisagreements(tenants, scrapeZeros, scrapeAfter)).toEqual([]);
  });
});
