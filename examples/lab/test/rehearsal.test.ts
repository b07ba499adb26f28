import { LIVE_CONNECTION_SECONDS, clickhouseRunner, evaluateRules, type RuleEvaluation } from '@rtcpulse/alerts';
import { reportTurn } from '@rtcpulse/server-sdk';
import { createCoturnAdapter, type CoturnAdapter } from '@rtcpulse/server-sdk/coturn';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startCoturn, startRedis, type TurnServer } from '@rtcpulse/browser-harness';
import { labServerKey, startLabCollector, type LabCollector } from '../src/lab-collector.js';
import { runScenario, type RunScenarioOptions, type ScenarioRun } from '../src/run-scenario.js';
import { SCENARIOS } from '../src/scenarios.js';
import { PANEL_QUERIES, expandPanelQuery } from './panel-queries.js';

/**
 * The alert rehearsal: lab scenarios run as real calls in headless Chromium
 * through the impairment relay (or coturn) into the real collector and
 * embedded ClickHouse; then the native evaluation runs the SQL form of every
 * alert rule for that call's tenant. The expected alerts must fire and no
 * other rule may, except the named borderline ones. Every call reports under
 * a tenant of its own, so each evaluation sees that call alone, and at the
 * end the store holds all of them for the dashboards' queries.
 */

/** Calls per scenario at most (see `truthfulRun`). */
const ATTEMPTS = 2;

/**
 * Expected alerts per scenario, with the call length in seconds, measured in
 * headless Chromium on a shared 2-core machine. `alerts` must fire, and no
 * rule outside `alerts` and `borderline` may fire.
 */
const EXPECTED: readonly { scenario: string; seconds: number; alerts: readonly string[]; borderline?: readonly string[] }[] = [
  { scenario: 'clean', seconds: 15, alerts: [] },
  // 5 % random loss each way: the loss percentile fires (p95 of 2 s intervals measured
  // 7–10 % in every run) and ICE stays healthy.
  // Borderline: Opus under 5 % loss scores an estimated MOS right at the 3.6 threshold
  // (p5 of inbound audio measured 3.19, 3.25, 3.46 and 3.66 in four runs). The session may be
  // classified degraded (20 % of its intervals under 3.6), but one degraded session is under the
  // burn-rate alerts' floor of five bad events, so the degraded-session SLO alerts stay silent;
  // jitter p95 44 ms and video freeze p95 57 % appeared in 1 of 4 runs, when other work starved the 2 cores.
  {
    scenario: 'loss5',
    seconds: 20,
    alerts: ['PacketLossHigh'],
    borderline: ['EstimatedMosLow', 'JitterHigh', 'VideoFreezeTimeHigh'],
  },
  // All packets dropped 3 s after connecting: Chromium goes ICE `disconnected`
  // then connection `failed` (never ICE `failed`), a failure after connecting.
  { scenario: 'blackhole', seconds: 25, alerts: ['ConnectionFailures'] },
];

const tenantOf = (scenario: string, attempt: number): string => `lab-${scenario}-${attempt}`;
const TENANTS = [...EXPECTED.map((e) => e.scenario), 'leak'].flatMap((name) => Array.from({ length: ATTEMPTS }, (_, a) => tenantOf(name, a)));

/**
 * How long a relayed peer connection counts as live after its last sample
 * (the TurnAllocationsMismatch rule's window), plus time for the last report
 * and the coturn adapter's next one.
 */
const LIVE_WINDOW_MS = LIVE_CONNECTION_SECONDS * 1000;
const LEAK_ALERT = 'TurnAllocationsMismatch';
const LEAK_DEADLINE_MS = LIVE_WINDOW_MS + 45_000;

interface TurnWithStatistics {
  turn: TurnServer;
  adapter: CoturnAdapter;
  stop(): Promise<void>;
}

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

describe('alert rehearsal: lab calls fire exactly their expected alerts', () => {
  let collector: LabCollector;
  let browser: Browser;
  const started = new Date();
  const runs = new Map<string, ScenarioRun>();

  beforeAll(async () => {
    collector = await startLabCollector({ tenants: TENANTS });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
  });

  /** redis-server, coturn publishing its statistics there, and the coturn adapter reporting them for `tenant`. */
  async function startTurnWithStatistics(tenant: string): Promise<TurnWithStatistics> {
    const redis = await startRedis();
    const turn = await startCoturn({ redisStatsPort: redis.port }).catch(async (error: unknown) => {
      await redis.stop();
      throw error;
    });
    const adapter = await createCoturnAdapter({
      redisUrl: redis.url,
      nodeId: `turn-${tenant}`,
      region: 'lab',
      intervalMs: 1000,
      send: (report) => reportTurn({ endpoint: collector.baseUrl, serverKey: labServerKey(tenant) }, report),
    });
    return {
      turn,
      adapter,
      async stop() {
        await adapter.stop();
        await turn.stop();
        await redis.stop();
      },
    };
  }

  const evaluate = (tenant: string, now = new Date()) => evaluateRules(clickhouseRunner(collector.app.store.client), { tenant, now });

  /**
   * Runs a scenario under a fresh tenant. The alert expectations hold for a
   * call that matched the lab's injected truth (its own checks); when other
   * work on the shared machine starves Chromium, RTT and jitter rise with no
   * network cause, so such a call is run once more (at most
   * {@link ATTEMPTS} calls, each under its own tenant) and the last one is returned.
   */
  async function truthfulRun(name: string, seconds: number, extra: Partial<RunScenarioOptions> = {}): Promise<ScenarioRun> {
    let run: ScenarioRun | undefined;
    for (let attempt = 0; attempt < ATTEMPTS && !run?.pass; attempt++) {
      run = await runScenario({ ...collector, browser, scenario: scenarioNamed(name), seconds, tenant: tenantOf(name, attempt), ...extra });
    }
    if (!run) throw new Error('no run');
    runs.set(name, run);
    return run;
  }

  /** The call's intervals, oldest first, to show beside a mismatch. */
  async function intervals(tenant: string): Promise<string> {
    const result = await collector.app.store.client.query({
      query: `SELECT pc_id, toUnixTimestamp64Milli(ts) - min(toUnixTimestamp64Milli(ts)) OVER () AS ms, audio_in_packet_loss_pct AS a_loss, video_in_packet_loss_pct AS v_loss, audio_in_jitter_ms AS a_jit, video_in_jitter_ms AS v_jit, video_in_freeze_time_pct AS v_freeze, audio_in_mos AS mos
        FROM samples WHERE tenant = {tenant:String} ORDER BY ts, pc_id`,
      query_params: { tenant },
      format: 'JSONEachRow',
    });
    return (await result.json<Record<string, unknown>>()).map((row) => JSON.stringify(row)).join('\n');
  }

  it.each(EXPECTED.map((e) => [e.scenario, e] as const))('%s', async (_name, expected) => {
    const run = await truthfulRun(expected.scenario, expected.seconds);
    expect(run.observation.reported.samples.length, 'samples stored').toBeGreaterThan(4);
    expect(run.verdicts.filter((v) => !v.pass), 'the call matched the injected truth').toEqual([]);

    const results = await evaluate(run.tenant);
    expect(results.filter((r) => r.status === 'error')).toEqual([]);
    expect(results.filter((r) => r.status === 'not-evaluable')).toEqual([]);
    const borderline = new Set(expected.borderline ?? []);
    const fired = firing(results).filter((alert) => !borderline.has(alert));
    const want = [...expected.alerts].sort();
    const context = fired.join() === want.join() ? '' : `\n${await intervals(run.tenant)}`;
    expect(fired, `firing:\n${describeFiring(results)}${context}`).toEqual(want);
  });

  /** One call through coturn whose tab is closed without `pc.close()`, with what coturn and the SDK said while it was up. */
  async function leakyCall(tenant: string, stats: TurnWithStatistics) {
    let whileLive: RuleEvaluation[] = [];
    let allocationsWhileLive = -1;
    let liveAt = 0;
    const seen: number[] = [];
    const watch = setInterval(() => seen.push(stats.adapter.activeAllocations()), 1000);
    const run = await runScenario({
      ...collector,
      browser,
      scenario: scenarioNamed('turn'),
      seconds: 12,
      tenant,
      turnServer: stats.turn,
      ending: 'close-tab',
      whileConnected: async () => {
        allocationsWhileLive = stats.adapter.activeAllocations();
        liveAt = Date.now();
        // Let the adapter's next report land before comparing allocations with live connections.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        whileLive = await evaluate(tenant);
      },
    }).finally(() => clearInterval(watch));
    // What each connection reported in its last sample up to the moment coturn was asked (not at the tab's close, seconds
    // later: by then Chromium may have dropped the stats of a relay candidate whose pairs it pruned, while coturn holds it).
    const result = await collector.app.store.client.query({
      query: `SELECT sum(h) AS held FROM (
        SELECT pc_id, argMax(turn_allocations, ts) AS h FROM samples
        WHERE tenant = {tenant:String} AND ts <= fromUnixTimestamp64Milli({liveAt:Int64}) GROUP BY pc_id)`,
      query_params: { tenant, liveAt },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ held: number | string }>();
    return { run, whileLive, allocationsWhileLive, heldByConnections: Number(row?.held ?? -1), seen };
  }

  // Chromium keeps a TURN allocation when its tab goes away without
  // `pc.close()`: coturn holds it until its lifetime runs out (600 s), while
  // the peer connection stops reporting. Measured: 4 allocations before and
  // still 4 after closing the tab (2 per peer connection: one per network
  // interface, loopback and the machine's address, once the page may use the camera).
  it('turn, tab closed without pc.close(): the allocation-leak alert fires, and only it', async () => {
    let stats: TurnWithStatistics | undefined;
    let call: Awaited<ReturnType<typeof leakyCall>> | undefined;
    let tenant = '';
    try {
      // While the call is up, coturn must hold exactly what the SDK reports. On a
      // starved machine Chromium has been seen to abandon an allocation during setup
      // (coturn held 6, the connections 4); that call is a real leak, not the one this
      // test stages, so it is run once more on a fresh coturn under a fresh tenant.
      for (let attempt = 0; attempt < ATTEMPTS && !(call?.run.pass && call.heldByConnections === call.allocationsWhileLive); attempt++) {
        await stats?.stop();
        tenant = tenantOf('leak', attempt);
        stats = await startTurnWithStatistics(tenant);
        call = await leakyCall(tenant, stats);
      }
      if (!call || !stats) throw new Error('no call');
      runs.set('turn', call.run);
      expect(call.run.verdicts.filter((v) => !v.pass), 'the call matched the injected truth').toEqual([]);
      expect(call.allocationsWhileLive).toBeGreaterThanOrEqual(2);
      expect(call.heldByConnections, `allocations the SDK reported, summed over both peer connections (coturn, each second: ${call.seen.join(' ')})`).toBe(call.allocationsWhileLive);
      // A call forced through TURN is 100 % relayed: the relay-share alert rightly fires for this tenant.
      expect(firing(call.whileLive), `firing while the call was up:\n${describeFiring(call.whileLive)}`).toEqual(['RelayShareHigh']);

      const deadline = Date.now() + LEAK_DEADLINE_MS;
      let after: RuleEvaluation[] = [];
      while (Date.now() < deadline) {
        after = await evaluate(tenant);
        if (firing(after).includes(LEAK_ALERT)) break;
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
      expect(stats.adapter.activeAllocations(), 'coturn still holds the closed tab’s allocations').toBe(call.allocationsWhileLive);
      expect(firing(after).filter((alert) => alert !== 'RelayShareHigh'), `firing after the tab closed:\n${describeFiring(after)}`).toEqual([LEAK_ALERT]);
    } finally {
      await stats?.stop();
    }
  });

  /** Panels whose data no lab call produces, with the reason; the seeded store test proves them non-empty. */
  const NOT_FROM_LAB_CALLS: Readonly<Record<string, string>> = {
    'rtcpulse-errors / getUserMedia / getDisplayMedia errors by name': 'the fake camera and microphone never fail',
    'rtcpulse-cost / SFU egress by simulcast layer': 'no SFU in a peer-to-peer lab call',
    'rtcpulse-cost / SFU egress per participant-hour': 'no SFU in a peer-to-peer lab call',
    'rtcpulse-cost / Cost per participant-hour by component': 'priced from SFU, node and recorder reports',
    'rtcpulse-compliance / Recordings without prior consent': 'no recorder',
    'rtcpulse-runbook / Connections failed within 30 s of coming online': 'the lab never toggles the network',
    'rtcpulse-runbook / Recording success': 'no recorder',
    'rtcpulse-runbook / A/V offset between WebRTC and LL-HLS (p95)': 'no LL-HLS path',
    'rtcpulse-runbook / Egress share of infrastructure cost': 'priced from SFU, node and recorder reports',
    'rtcpulse-runbook / Post-call complaints by tag': 'no post-call feedback is given',
  };

  // The dashboards on lab data: every panel query runs over the calls above,
  // and returns rows wherever a lab call produces that kind of data.
  it('every dashboard query runs on the lab calls, and the call-fed panels are not empty', async () => {
    expect([...runs.keys()].sort()).toEqual(['blackhole', 'clean', 'loss5', 'turn']);
    const loss5 = runs.get('loss5')!;
    const range = { from: new Date(started.getTime() - 60_000), to: new Date(Date.now() + 60_000) };
    const all = (options: readonly string[]) => ({ all: true as const, options });
    const variables = {
      tenant: all(TENANTS),
      region: all(['lab']),
      browser: all(['chrome']),
      session: { values: [loss5.sessionId] },
      pc: { values: ['pc1'] },
    };
    const empty: string[] = [];
    for (const query of PANEL_QUERIES) {
      const sql = expandPanelQuery(query, range, query.dashboard === 'rtcpulse-session' ? { ...variables, tenant: { values: [loss5.tenant] } } : variables);
      const result = await collector.app.store.client.query({ query: sql, format: 'JSONEachRow' });
      const rows = await result.json<Record<string, unknown>>();
      if (rows.length === 0 && !query.needs.mayBeEmpty) empty.push(`${query.dashboard} / ${query.where}`);
    }
    // Panels the lab calls feed must show them; the listed ones may stay empty.
    expect(empty.filter((panel) => !(panel in NOT_FROM_LAB_CALLS))).toEqual([]);
    expect(empty.length, 'most panels show the lab calls').toBeLessThanOrEqual(Object.keys(NOT_FROM_LAB_CALLS).length);
  });
});
