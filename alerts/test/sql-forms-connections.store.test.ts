import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusDisagreements } from './prometheus-agreement.js';
import { batch, connectionEvents, networkEvents } from './report-batches.js';
import { startCollector, type TestCollector } from './sql-forms-collector.js';

/**
 * The connection rules' two forms on the same client reports, posted to the
 * collector as the SDK sends them: the SQL form counts what it says it
 * counts (embedded ClickHouse), and the Prometheus form, evaluated by
 * promtool on the series the collector exported on `/metrics`, agrees with
 * it (entry 3 and call setup) or estimates it as its runbook page says
 * (mid-call failures).
 */

const NETWORK = { tenant: 'network', region: 'r-net' } as const;
const RELIABILITY = { tenant: 'reliability', region: 'r-rel' } as const;
/** A tenant with enough setup failures to pass the burn-rate alerts' floor of five bad events. */
const BURNING = { tenant: 'burning', region: 'r-burn' } as const;

let collector: TestCollector;
// What Prometheus reads: the first scrape after the reports shows their new series at 0, the next their values.
let scrapeZeros: string;
let scrapeAfter: string;

beforeAll(async () => {
  collector = await startCollector([NETWORK.tenant, RELIABILITY.tenant, BURNING.tenant]);
  const { now } = collector;
  // Ten network drops in four sessions; one connection lost within 30 s of coming back online.
  for (const [i, drops] of [4, 3, 2, 1].entries()) {
    await collector.postBatch(batch(NETWORK.tenant, NETWORK.region, `net-s${i}`, now, networkEvents(now - 120_000, drops, i === 0)));
  }
  // Four connections: one fails mid-call, one fails during setup, two are fine.
  for (const [i, outcome] of (['mid-call', 'setup', 'ok', 'ok'] as const).entries()) {
    const { events, samples } = connectionEvents(now - 100_000, outcome);
    await collector.postBatch(batch(RELIABILITY.tenant, RELIABILITY.region, `rel-s${i}`, now, events, samples));
  }
  // Twenty connections: five fail during setup, fifteen are fine.
  for (let i = 0; i < 20; i++) {
    const { events, samples } = connectionEvents(now - 100_000, i < 5 ? 'setup' : 'ok');
    await collector.postBatch(batch(BURNING.tenant, BURNING.region, `burn-s${i}`, now, events, samples));
  }
  scrapeZeros = await collector.scrape();
  scrapeAfter = await collector.scrape();
});

afterAll(async () => {
  await collector?.close();
});

describe('the SQL forms count what their rules say', () => {
  it('entry 3: one connection lost after coming back online per ten network drops is 10 %', async () => {
    const result = await collector.evaluate(NETWORK.tenant, 'failed-after-online');
    expect(result.groups).toEqual([{ labels: { tenant: NETWORK.tenant, region: NETWORK.region }, value: 10, firing: true }]);
  });

  it('call setup: five connections of twenty never connected, a 25 % error ratio, 25x the 1 % budget (both burn tiers)', async () => {
    for (const id of ['call-setup-burn-fast', 'call-setup-burn-slow']) {
      const result = await collector.evaluate(BURNING.tenant, id);
      expect(result.groups, id).toEqual([{ labels: { tenant: BURNING.tenant }, value: expect.closeTo(25, 9), firing: true }]);
    }
  });

  it('call setup: one connection of four never connected is the same 25 %, but one failure is under the floor of five, so no group', async () => {
    for (const id of ['call-setup-burn-fast', 'call-setup-burn-slow']) {
      const result = await collector.evaluate(RELIABILITY.tenant, id);
      expect(result.groups, id).toEqual([]);
    }
  });

  it('mid-call failures: one of the three connections that connected (no +Inf, no setup failure counted)', async () => {
    const result = await collector.evaluate(RELIABILITY.tenant, 'mid-call-connection-failures');
    expect(result.groups).toEqual([{ labels: { tenant: RELIABILITY.tenant, region: RELIABILITY.region }, value: expect.closeTo(100 / 3, 9), firing: true }]);
  });
});

describe('promtool evaluates the generated Prometheus rules on the exported series and agrees with the SQL form', () => {
  it('values and alerts of entry 3, the call-setup burn rates (under and over their floor) and mid-call failures', { timeout: 60_000 }, async () => {
    const network = {
      ...NETWORK,
      // Counters of drops and of connections lost after them count exactly what the SQL form counts: 1 / 10.
      checks: [{ sql: await collector.evaluate(NETWORK.tenant, 'failed-after-online'), digits: 9 }],
    };
    const reliability = {
      ...RELIABILITY,
      checks: [
        // One setup failure is under the burn-rate floor of five bad events: neither form has a value or an alert.
        { sql: await collector.evaluate(RELIABILITY.tenant, 'call-setup-burn-fast'), digits: 9 },
        { sql: await collector.evaluate(RELIABILITY.tenant, 'call-setup-burn-slow'), digits: 9 },
        // The Prometheus form estimates the connections active in the window (documented on the reliability page):
        // 3 connected + 9 samples × 2 s / 900 s = 3.02, so 100 × 1 / 3.02 ≈ 33.11 % against the SQL form's exact
        // 1 of 3 = 33.33 %. The documented expectation is agreement to 0 decimal places (|difference| < 0.5).
        { sql: await collector.evaluate(RELIABILITY.tenant, 'mid-call-connection-failures'), digits: 0 },
      ],
    };
    const burning = {
      ...BURNING,
      checks: [
        // The counters cannot say whether a failed connection had connected (see the page's "measures"): the
        // Prometheus form takes the smaller of failures (5) and attempts minus ICE connected plus DTLS failures
        // (20 − 15 + 0 = 5). With only setup failures both forms agree exactly: 5 / 20 = 25 % = 25x the budget,
        // and five bad events meet the floor.
        { sql: await collector.evaluate(BURNING.tenant, 'call-setup-burn-fast'), digits: 9 },
        { sql: await collector.evaluate(BURNING.tenant, 'call-setup-burn-slow'), digits: 9 },
      ],
    };
    expect(await prometheusDisagreements([network, reliability, burning], scrapeZeros, scrapeAfter)).toEqual([]);
  });
});
