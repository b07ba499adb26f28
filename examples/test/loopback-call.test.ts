import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, storeConfigFromEnv, type CollectorApp } from '@rtcpulse/collector';
import { launchChromium } from '@rtcpulse/browser-harness';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CALL_SECONDS = 12;

interface SampleRow {
  pc_id: string;
  seq: number | string;
  call_id: string;
  participant_id: string;
  browser: string;
  region: string;
  topology: string;
  local_candidate_type: string;
  remote_candidate_type: string;
  rtt_ms: number | null;
  bytes_sent: number | null;
  audio_out_packets: number | null;
  video_in_packets: number | null;
  video_in_bitrate_kbps: number | null;
  video_in_frame_rate_fps: number | null;
  audio_in_packet_loss_pct: number | null;
}

describe('an instrumented loopback call in real Chromium', () => {
  let dataDir: string;
  let app: CollectorApp;
  let browser: Browser;
  let baseUrl: string;
  const sessionId = `e2e-${Date.now()}`;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-e2e-'));
    app = await buildApp({
      store: storeConfigFromEnv(process.env, { dataDir }),
      demoDir: join(repo, 'examples/demo'),
      sdkDir: join(repo, 'packages/sdk/dist'),
      security: { tenants: { tenants: [{ id: 'e2e', publicKeys: [{ key: 'e2e', origins: ['self'] }], serverKeys: [] }] } },
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(`stores one row per peer connection per interval with plausible values after ${CALL_SECONDS} s`, async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    const query = new URLSearchParams({
      autostart: '1',
      loopback: '1',
      tenant: 'e2e',
      session: sessionId,
      call: 'e2e-call',
      participant: 'e2e-participant',
      region: 'test-region',
    });
    await page.goto(`${baseUrl}/demo/?${query.toString()}`);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live', undefined, {
      timeout: 20_000,
    });
    await page.waitForTimeout(CALL_SECONDS * 1000);
    // The page shows the SDK's own numbers: the receiver's video bitrate cell is filled.
    const shown = await page.locator('#samples tbody').innerText();
    expect(shown).toMatch(/video in bitrate\s+–\s+\d/);
    await page.evaluate(() => (window as unknown as { rtcpulseDemo: { stopCall(): Promise<void> } }).rtcpulseDemo.stopCall());
    await page.close();
    expect(consoleErrors).toEqual([]);

    const result = await app.store.client.query({
      query: `SELECT * FROM samples WHERE tenant = {tenant:String} AND session_id = {session:String} ORDER BY pc_id, seq`,
      query_params: { tenant: 'e2e', session: sessionId },
      format: 'JSONEachRow',
    });
    const rows = await result.json<SampleRow>();
    const byPc = new Map<string, SampleRow[]>();
    for (const row of rows) byPc.set(row.pc_id, [...(byPc.get(row.pc_id) ?? []), row]);
    expect([...byPc.keys()].sort()).toEqual(['pc0', 'pc1']);

    for (const [pc, pcRows] of byPc) {
      // One row per interval: consecutive sequence numbers, none repeated.
      const seqs = pcRows.map((r) => Number(r.seq));
      expect(seqs, pc).toEqual(seqs.map((_, i) => i));
      expect(pcRows.length, pc).toBeGreaterThanOrEqual(Math.floor(CALL_SECONDS / 2) - 1);
      for (const row of pcRows) {
        expect(row).toMatchObject({
          call_id: 'e2e-call',
          // The SDK pseudonymises: SHA-256 of salt (default: the tenant) and the id.
          participant_id: createHash('sha256').update('e2e:e2e-participant').digest('hex'),
          browser: 'chrome',
          region: 'test-region',
          topology: 'p2p',
        });
      }
      const connected = pcRows.filter((r) => r.local_candidate_type !== '');
      expect(connected.length, pc).toBeGreaterThan(0);
      for (const row of connected) {
        expect(row.local_candidate_type).toBe('host');
        // The far end is host too; it shows as prflx when its connectivity check
        // arrives before its candidate was signalled (a race inside one tab).
        expect(['host', 'prflx']).toContain(row.remote_candidate_type);
      }
      const withRtt = pcRows.filter((r) => r.rtt_ms !== null);
      expect(withRtt.length, `${pc} has RTT`).toBeGreaterThan(0);
      for (const row of withRtt) expect(row.rtt_ms).toBeLessThan(200);
    }

    const sender = byPc.get('pc0') ?? [];
    const receiver = byPc.get('pc1') ?? [];
    // Packets flow: the sender sends audio, the receiver receives video at a real bitrate and frame rate.
    expect(Math.max(...sender.map((r) => r.audio_out_packets ?? 0))).toBeGreaterThan(20);
    expect(Math.max(...sender.map((r) => r.bytes_sent ?? 0))).toBeGreaterThan(10_000);
    expect(Math.max(...receiver.map((r) => r.video_in_packets ?? 0))).toBeGreaterThan(20);
    expect(Math.max(...receiver.map((r) => r.video_in_bitrate_kbps ?? 0))).toBeGreaterThan(50);
    expect(Math.max(...receiver.map((r) => r.video_in_frame_rate_fps ?? 0))).toBeGreaterThan(5);
    // A clean loopback loses (almost) nothing.
    for (const row of receiver) expect(row.audio_in_packet_loss_pct ?? 0).toBeLessThan(5);

    const events = await app.store.client.query({
      query: `SELECT pc_id, type, state, value FROM events WHERE tenant = 'e2e' AND session_id = {session:String} ORDER BY ts`,
      query_params: { session: sessionId },
      format: 'JSONEachRow',
    });
    const eventRows = await events.json<{ pc_id: string; type: string; state: string; value: number | null }>();
    const types = eventRows.map((e) => e.type);
    expect(types).toContain('session.start');
    expect(types).toContain('session.end');
    expect(eventRows.filter((e) => e.type === 'connection.state' && e.state === 'connected').map((e) => e.pc_id).sort()).toEqual([
      'pc0',
      'pc1',
    ]);
    const formed = eventRows.filter((e) => e.type === 'ice.pair.formed');
    expect(formed.length).toBe(2);
    for (const e of formed) expect(e.value).toBeGreaterThanOrEqual(0);
  });

  it('stops sampling and sending after the collector refuses the key, and tells the app once', async () => {
    const page = await browser.newPage();
    const warnings: string[] = [];
    const posts: number[] = [];
    try {
      // Count the page's getStats() calls: after the refusal the SDK must do no more work for the session.
      await page.addInitScript(() => {
        const original = RTCPeerConnection.prototype.getStats;
        const w = window as unknown as { statsCalls: number };
        w.statsCalls = 0;
        RTCPeerConnection.prototype.getStats = function (this: RTCPeerConnection, ...args: []) {
          w.statsCalls++;
          return original.apply(this, args);
        };
      });
      page.on('console', (m) => {
        if (m.type() === 'warning') warnings.push(m.text());
      });
      page.on('response', (r) => {
        if (r.url().includes('/v1/reports')) posts.push(r.status());
      });
      const query = new URLSearchParams({ autostart: '1', loopback: '1', tenant: 'revoked-key', interval: '500' });
      await page.goto(`${baseUrl}/demo/?${query.toString()}`);
      await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live', undefined, { timeout: 20_000 });
      // Ten samples (two connections, 500 ms apart) fill a batch, which is sent and refused.
      await expect.poll(() => posts.length, { timeout: 15_000 }).toBeGreaterThan(0);
      await page.waitForTimeout(1000);
      const callsAfterRefusal = await page.evaluate(() => (window as unknown as { statsCalls: number }).statsCalls);
      await page.waitForTimeout(4000);
      expect(await page.evaluate(() => (window as unknown as { statsCalls: number }).statsCalls)).toBe(callsAfterRefusal);
      await page.evaluate(() => (window as unknown as { rtcpulseDemo: { stopCall(): Promise<void> } }).rtcpulseDemo.stopCall());
    } finally {
      await page.close();
    }
    expect(posts).toEqual([401]);
    expect(warnings.filter((w) => w.includes('key refused: HTTP 401'))).toHaveLength(1);
  });
});
