import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@rtcpulse/browser-harness';
import { startLabCollector, type LabCollector } from '../src/lab-collector.js';
import { runScenario, type ScenarioRun } from '../src/run-scenario.js';
import { SCENARIOS } from '../src/scenarios.js';
import { formatTable } from '../src/table.js';

/**
 * Every lab scenario, each as a short call (its `minSeconds`), against the
 * real collector and embedded ClickHouse: what the SDK reported and the
 * collector stored must match the injected truth within the tolerances
 * written in src/scenarios.ts (and the README):
 * - clean: RTT p50 ≤ 20 ms, audio loss ≤ 0.5 %, video ≥ 100 kbit/s, local prflx|host / remote host;
 * - loss5: the relay drops 3–7 %, reported audio loss 3–8 % over the call, p50 of intervals 2–10 %;
 * - delay150: RTT p50 295–400 ms on both peers (300 ms injected);
 * - cap (120 kbit/s): video bitrate p50 20–120 kbit/s both ways of the measurement;
 * - blackhole: both peers report ICE `disconnected` and connection `failed`;
 * - turn: relay / relay candidate pair over UDP through coturn, RTT p50 ≤ 30 ms.
 */
describe('the impairment lab, proven against injected truth', () => {
  let collector: LabCollector;
  let browser: Browser;

  beforeAll(async () => {
    collector = await startLabCollector();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
  });

  function table(run: ScenarioRun): string {
    return formatTable(
      ['metric', 'injected', 'reported', 'tolerance', 'verdict'],
      run.verdicts.map((v) => [v.metric, v.injected, v.reported, v.tolerance, v.pass ? 'ok' : 'FAIL']),
    );
  }

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: the SDK reports what the lab injected', async (_name, scenario) => {
    const run = await runScenario({ ...collector, browser, scenario, seconds: scenario.minSeconds });
    expect(run.observation.reported.samples.length, 'samples stored').toBeGreaterThan(4);
    expect(run.verdicts.length).toBe(scenario.checks.length);
    expect(run.verdicts.filter((v) => !v.pass), `\n${table(run)}`).toEqual([]);
  });
});
