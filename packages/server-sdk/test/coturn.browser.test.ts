import type { TurnReport } from '@rtcpulse/schema';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, serverEventsConfig, type CollectorApp } from '@rtcpulse/collector';
import { launchChromium, startCoturn, startRedis, type RedisServer, type TurnServer } from '@rtcpulse/browser-harness';
import { createCoturnAdapter, type CoturnAdapter } from '../src/coturn/index.js';
import { reportTurn } from '../src/index.js';

const KEY = { tenant: 'acme', key: 'acme-turn-key-0123456789' };

/** Poll `probe` every 250 ms, at most `attempts` times, until it returns true. */
async function until(what: string, probe: () => Promise<boolean> | boolean, attempts = 80): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Two relay-only peer connections in the page, connected through coturn, pushing data-channel traffic. */
async function openRelayedCall(page: Page, turn: TurnServer): Promise<{ state: string; relayCandidates: number }> {
  return page.evaluate(async ({ urls, username, credential }) => {
    const config: RTCConfiguration = { iceServers: [{ urls, username, credential }], iceTransportPolicy: 'relay' };
    const a = new RTCPeerConnection(config);
    const b = new RTCPeerConnection(config);
    let relayCandidates = 0;
    a.onicecandidate = (e) => {
      if (!e.candidate) return;
      if (e.candidate.type === 'relay') relayCandidates++;
      void b.addIceCandidate(e.candidate);
    };
    b.onicecandidate = (e) => {
      if (e.candidate) void a.addIceCandidate(e.candidate);
    };
    const channel = a.createDataChannel('load');
    channel.onopen = () => {
      const chunk = new Uint8Array(1000);
      (window as unknown as { load: number }).load = window.setInterval(() => {
        for (let i = 0; i < 10; i++) channel.send(chunk);
      }, 50);
    };
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescriptionInit);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription as RTCSessionDescriptionInit);
    for (let i = 0; i < 100 && a.connectionState !== 'connected'; i++) await new Promise((r) => setTimeout(r, 100));
    (window as unknown as { pcs: RTCPeerConnection[] }).pcs = [a, b];
    return { state: a.connectionState, relayCandidates };
  }, { urls: turn.url, username: turn.username, credential: turn.credential });
}

describe('coturn adapter, with allocations made by real Chromium', () => {
  let redis: RedisServer;
  let turn: TurnServer;
  let app: CollectorApp;
  let browser: Browser;
  let adapter: CoturnAdapter;
  let dataDir: string;
  const sent: TurnReport[] = [];

  beforeAll(async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-coturn-'));
    redis = await startRedis();
    turn = await startCoturn({ redisStatsPort: redis.port });
    app = await buildApp({ store: { kind: 'embedded', dataDir }, serverEvents: serverEventsConfig([KEY]) });
    const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
    adapter = await createCoturnAdapter({
      redisUrl: redis.url,
      nodeId: 'turn-test-1',
      region: 'eu-west',
      intervalMs: 300,
      send: async (report) => {
        await reportTurn({ endpoint, serverKey: KEY.key }, report);
        sent.push(report);
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await adapter?.stop();
    await browser?.close();
    await app?.close();
    await turn?.stop();
    await redis?.stop();
    if (dataDir) await (await import('node:fs/promises')).rm(dataDir, { recursive: true, force: true });
  });

  const latestStored = async (): Promise<{ allocations: number; relayed: number } | undefined> => {
    const result = await app.store.client.query({
      query: `SELECT argMax(turn_allocations, ts) AS allocations, sum(turn_relayed_bytes) AS relayed
              FROM server_events WHERE tenant = 'acme' AND kind = 'turn' AND node_id = 'turn-test-1' HAVING count() > 0`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ allocations: number | string; relayed: number | string }>();
    return row ? { allocations: Number(row.allocations), relayed: Number(row.relayed) } : undefined;
  };

  const scrapedAllocations = async (): Promise<number | undefined> => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith('webrtc_turn_allocations{') && l.includes('region="eu-west"'));
    return line ? Number(line.split(" ").pop()) : undefined;
  };

  it('reports the allocations while the call is up, relayed bytes, and zero once the peer connections close', async () => {
    const page = await browser.newPage();
    const call = await openRelayedCall(page, turn);
    expect(call, turn.log()).toEqual({ state: 'connected', relayCandidates: expect.any(Number) });
    expect(call.relayCandidates).toBeGreaterThan(0);

    // Each relay-only peer connection holds one allocation on coturn.
    const allocations = async () => [adapter.activeAllocations(), (await latestStored())?.allocations, await scrapedAllocations()];
    await until('two allocations seen by the adapter, stored and exported', async () =>
      (await allocations()).every((n) => n === 2),
    );
    await until('relayed bytes reported', async () => ((await latestStored())?.relayed ?? 0) > 100_000);

    await page.evaluate(() => (window as unknown as { pcs: RTCPeerConnection[] }).pcs.forEach((pc) => pc.close()));
    await until('allocations back to zero everywhere', async () => (await allocations()).every((n) => n === 0));
    await page.close();

    // Every report the collector accepted was a valid TURN report with a positive interval.
    expect(sent.length).toBeGreaterThan(2);
    for (const report of sent) expect(report.intervalMs).toBeGreaterThan(0);
  });
});
