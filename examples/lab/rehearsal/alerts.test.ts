import { clickhouseRunner, evaluateRules, type RuleEvaluation } from '@rtcpulse/alerts';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/chromium.js';
import { LAB_TENANT, startLabCollector, type LabCollector } from '../src/lab-collector.js';
import { runScenario, type ScenarioRun } from '../src/run-scenario.js';
import { SCENARIOS } from '../src/scenarios.js';

/**
 * Rehearsing the alerts on real calls: each lab scenario runs as a short
 * call in headless Chromium through the impairment relay into the real
 * collector and embedded ClickHouse, then the native evaluation runs the SQL
 * form of every alert rule for tenant `lab`: the expected alerts must fire
 * and no other rule may, except the named borderline ones (see EXPECTED).
 *
 * chdb binds one data directory per process, so the scenarios share one
 * store; before each one the raw tables the rules read are emptied, so every
 * evaluation sees that scenario's call alone (as if on a fresh store).
 */
/** Calls per scenario at most (see `truthfulRun`). */
const ATTEMPTS = 2;

const RULE_TABLES = ['samples', 'events', 'server_events', 'audit_log'] as const;

/**
 * Expected alerts per scenario, with the call length in seconds, measured in
 * headless Chromium on a shared 2-core machine. `alerts` must fire, and no
 * rule outside `alerts` and `borderline` may fire. `borderline` lists the
 * alerts real 5 % loss legitimately pushes to their threshold: measured on
 * both sides of it in repeated runs, so they are neither required nor
 * forbidden. Every other rule (ICE, DTLS, connection, setup, cost, audit)
 * must stay silent.
 */
const EXPECTED: readonly { scenario: string; seconds: number; alerts: readonly string[]; borderline?: readonly string[] }[] = [
  { scenario: 'clean', seconds: 15, alerts: [] },
  // 5 % random loss each way: the loss percentile fires (p95 of 2 s intervals measured
  // 7–10 % in every run) and ICE stays healthy.
  // Borderline: Opus under 5 % loss scores an estimated MOS right at the 3.6 threshold
  // (p5 of inbound audio measured 3.19, 3.25, 3.46 and 3.66 in four runs); the session is
  // classified degraded when 20 % of its intervals score under 3.6 (2 of 4 runs; with this
  // single session the degraded-session SLO then burns at 20x, over both tiers); jitter p95
  // 44 ms and video freeze p95 57 % appeared in 1 of 4 runs, when other work starved the 2 cores.
  {
    scenario: 'loss5',
    seconds: 20,
    alerts: ['PacketLossHigh'],
    borderline: [
      'EstimatedMosLow',
      'DegradedSessionsErrorBudgetFastBurn',
      'DegradedSessionsErrorBudgetSlowBurn',
      'JitterHigh',
      'VideoFreezeTimeHigh',
    ],
  },
  // All packets dropped 3 s after connecting: Chromium goes ICE `disconnected`
  // then connection `failed` (never ICE `failed`), a failure after connecting.
  { scenario: 'blackhole', seconds: 25, alerts: ['ConnectionFailures'] },
];

function scenarioNamed(name: string) {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no lab scenario ${name}`);
  return scenario;
}

function firing(results: readonly RuleEvaluation[]): string[] {
  return results.filter((r) => r.status === 'firing').map((r) => r.alert).sort();
}

function describeFiring(results: readonly RuleEvaluation[]): string {
  return results
    .filter((r) => r.status === 'firing')
    .map((r) => `${r.alert} (${r.condition}): ${r.groups.filter((g) => g.firing).map((g) => +g.value.toFixed(3)).join(', ')}`)
    .join('\n');
}

describe('lab scenarios fire exactly their expected alerts', () => {
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

  async function emptyRuleTables(): Promise<void> {
    for (const table of RULE_TABLES) await collector.app.store.client.command({ query: `TRUNCATE TABLE IF EXISTS ${table}` });
  }

  /**
   * Runs a scenario on emptied rule tables. The alert expectations hold for a
   * call that matched the lab's injected truth (its own checks, README); when
   * other work on the shared machine starves Chromium, RTT and jitter rise
   * with no network cause, so such a call is run once more (at most
   * {@link ATTEMPTS} calls) and the last one is returned.
   */
  async function truthfulRun(name: string, seconds: number): Promise<ScenarioRun> {
    let run: ScenarioRun | undefined;
    for (let attempt = 0; attempt < ATTEMPTS && !run?.pass; attempt++) {
      await emptyRuleTables();
      run = await runScenario({ ...collector, browser, scenario: scenarioNamed(name), seconds });
    }
    if (!run) throw new Error('no run');
    return run;
  }

  /** The call's intervals, oldest first, to show beside a mismatch. */
  async function intervals(): Promise<string> {
    const result = await collector.app.store.client.query({
      query: `SELECT pc_id, toUnixTimestamp64Milli(ts) - min(toUnixTimestamp64Milli(ts)) OVER () AS ms, audio_in_packet_loss_pct AS a_loss, video_in_packet_loss_pct AS v_loss, audio_in_jitter_ms AS a_jit, video_in_jitter_ms AS v_jit, video_in_freeze_time_pct AS v_freeze, audio_in_mos AS mos
        FROM samples WHERE tenant = {tenant:String} ORDER BY ts, pc_id`,
      query_params: { tenant: LAB_TENANT },
      format: 'JSONEachRow',
    });
    return (await result.json<Record<string, unknown>>()).map((row) => JSON.stringify(row)).join('\n');
  }

  it.each(EXPECTED.map((e) => [e.scenario, e] as const))('%s', async (_name, expected) => {
    const run = await truthfulRun(expected.scenario, expected.seconds);
    expect(run.observation.reported.samples.length, 'samples stored').toBeGreaterThan(4);
    expect(run.verdicts.filter((v) => !v.pass), 'the call matched the injected truth').toEqual([]);

    const results = await evaluateRules(clickhouseRunner(collector.app.store.client), { tenant: LAB_TENANT, now: new Date() });
    expect(results.filter((r) => r.status === 'error')).toEqual([]);
    expect(results.filter((r) => r.status === 'not-evaluable')).toEqual([]);
    const borderline = new Set(expected.borderline ?? []);
    const fired = firing(results).filter((alert) => !borderline.has(alert));
    const want = [...expected.alerts].sort();
    const context = fired.join() === want.join() ? '' : `\n${await intervals()}`;
    expect(fired, `firing:\n${describeFiring(results)}${context}`).toEqual(want);
  });
});
