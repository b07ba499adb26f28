import type { Browser, Page } from 'playwright-core';
import type { CollectorApp } from '@rtcpulse/collector';
import { startCoturn, type TurnServer } from '@rtcpulse/browser-harness';
import { emptyCounts } from './impairment.js';
import { readReportedCall } from './reported.js';
import type { CheckResult, LabObservation, Scenario } from './scenario.js';
import { RelayProcess } from './relay-process.js';
import type { PeerSide } from './udp-relay.js';

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /** A collector built with `demoDir` = {@link LAB_PAGE_DIR} and `sdkDir` = the SDK's dist folder, listening at `baseUrl`. */
  app: CollectorApp;
  baseUrl: string;
  browser: Browser;
  scenario: Scenario;
  /** Call length in seconds, counted from the moment both peers connected (default: the scenario's). */
  seconds?: number;
  tenant?: string;
  sessionId?: string;
  callId?: string;
  /** SDK sampling interval in milliseconds (default 2000, the SDK's own default). */
  intervalMs?: number;
  /** Progress lines (for the command). */
  log?: (line: string) => void;
  /** For `turn` scenarios: a coturn the caller started (for example with Redis statistics); otherwise the run starts its own. */
  turnServer?: TurnServer;
  /** Called once the call has run its length, before it ends (for example to evaluate alerts on a live call). */
  whileConnected?: () => Promise<void>;
  /**
   * How the call ends: `hang-up` (default) closes both peer connections;
   * `close-tab` closes the tab without `pc.close()`, as users do, leaving
   * TURN allocations for the server to time out.
   */
  ending?: 'hang-up' | 'close-tab';
}

/** One check's verdict. */
export interface CheckVerdict extends CheckResult {
  metric: string;
  injected: string;
  tolerance: string;
}

/** Outcome of one scenario run. */
export interface ScenarioRun {
  scenario: string;
  tenant: string;
  sessionId: string;
  callId: string;
  observation: LabObservation;
  verdicts: CheckVerdict[];
  /** True when every check passed. */
  pass: boolean;
}

interface PeerStates {
  sender: { ice: string; connection: string };
  receiver: { ice: string; connection: string };
  problems: string[];
}

interface LabWindow {
  lab: {
    startCall(config: unknown): Promise<string>;
    stopCall(reason?: string): Promise<void>;
    states(): PeerStates | undefined;
  };
}

/**
 * How long both peers get to reach `connected`. On loopback a call connects
 * in about 0.3 s, through coturn too (30 runs with the rehearsal running
 * beside them: 0.26–0.62 s). One CI run on the shared 2-core machine, with
 * the store tests running beside the browser tier, saw a call through coturn
 * connect only at the 20 s mark; the limit leaves room for that, and the
 * time each call took is logged.
 */
const CONNECT_TIMEOUT_MS = 30_000;
const POLL_MS = 250;

async function states(page: Page): Promise<PeerStates | undefined> {
  return page.evaluate(() => (globalThis as unknown as LabWindow).lab.states());
}

async function waitFor(page: Page, done: (s: PeerStates) => boolean, timeoutMs: number): Promise<PeerStates | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await states(page);
    if (last && done(last)) return last;
    // The state is read once more after the deadline: a slow read that ends past it still counts.
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const bothConnected = (s: PeerStates): boolean => s.sender.connection === 'connected' && s.receiver.connection === 'connected';
const bothFailed = (s: PeerStates): boolean => s.sender.connection === 'failed' && s.receiver.connection === 'failed';

/**
 * Runs one scenario: opens the lab page served by the collector, starts the
 * instrumented call through the impairment relay (or coturn), keeps it up
 * for the scenario's length, hangs up (the SDK sends its last report), then
 * reads what the SDK reported from ClickHouse and evaluates every check.
 */
export async function runScenario(options: RunScenarioOptions): Promise<ScenarioRun> {
  const { scenario, app, browser } = options;
  const log = options.log ?? (() => undefined);
  const seconds = options.seconds ?? scenario.defaultSeconds;
  const tenant = options.tenant ?? 'lab';
  const sessionId = options.sessionId ?? `lab-${scenario.name}-${Date.now().toString(36)}`;
  const callId = options.callId ?? `lab-call-${scenario.name}`;
  const relay = await RelayProcess.start(scenario.path);
  let turn: TurnServer | undefined;
  let owned: TurnServer | undefined;
  let page: Page | undefined;
  try {
    if (scenario.turn && options.turnServer) {
      turn = options.turnServer;
    } else if (scenario.turn) {
      turn = await startCoturn();
      owned = turn;
      log(`coturn listening on 127.0.0.1:${turn.port}`);
    }
    page = await browser.newPage();
    await page.exposeFunction('labRelayPort', (side: PeerSide, port: number) => relay.addEndpoint(side, port));
    await page.goto(`${options.baseUrl}/demo/index.html`);
    await page.waitForFunction("document.getElementById('status')?.dataset.state === 'ready'");
    const rtc = turn
      ? { iceServers: [{ urls: turn.url, username: turn.username, credential: turn.credential }], iceTransportPolicy: 'relay' }
      : {};
    await page.evaluate((config) => (globalThis as unknown as LabWindow).lab.startCall(config), {
      tenant,
      sessionId,
      callId,
      participantId: `lab-${scenario.name}`,
      region: 'lab',
      intervalMs: options.intervalMs ?? 2000,
      flushIntervalMs: 4000,
      video: { width: 640, height: 360 },
      rtc,
      candidates: turn ? 'relay' : 'loopback',
    });
    log('call started; waiting for both peers to connect');
    const calledAt = Date.now();
    const connected = await waitFor(page, bothConnected, CONNECT_TIMEOUT_MS);
    if (!connected) {
      const turnLog = turn ? `\ncoturn's last lines:\n${turn.log().slice(-3000)}` : '';
      throw new Error(`the lab call did not connect within ${CONNECT_TIMEOUT_MS} ms: ${JSON.stringify(await states(page))}${turnLog}`);
    }
    log(`connected after ${Date.now() - calledAt} ms`);
    if (scenario.afterConnect) {
      const { delaySeconds, path } = scenario.afterConnect;
      await page.waitForTimeout(delaySeconds * 1000);
      await relay.setImpairment(path);
      log(`impairment changed after ${delaySeconds} s`);
      const failed = await waitFor(page, bothFailed, seconds * 1000);
      log(failed ? 'both peers report failed' : 'peers did not fail within the call length');
    } else {
      await page.waitForTimeout(seconds * 1000);
    }
    await options.whileConnected?.();
    if (options.ending === 'close-tab') {
      await page.close();
      log('tab closed without closing the peer connections; reading the report from ClickHouse');
    } else {
      await page.evaluate(() => (globalThis as unknown as LabWindow).lab.stopCall('closed'));
      log('hung up; reading the report from ClickHouse');
    }
    const observation: LabObservation = {
      reported: await readReportedCall(app, tenant, sessionId),
      relay: turn ? { forward: emptyCounts(), backward: emptyCounts() } : await relay.packetCounts(),
      seconds,
    };
    const verdicts = scenario.checks.map((check) => ({
      metric: check.metric,
      injected: check.injected,
      tolerance: check.tolerance,
      ...check.evaluate(observation),
    }));
    return { scenario: scenario.name, tenant, sessionId, callId, observation, verdicts, pass: verdicts.every((v) => v.pass) };
  } finally {
    await page?.close().catch(() => undefined);
    await relay.close();
    await owned?.stop();
  }
}
