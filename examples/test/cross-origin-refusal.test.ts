import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, storeConfigFromEnv, type CollectorApp } from '@rtcpulse/collector';
import { launchChromium } from '@rtcpulse/browser-harness';

const repo = fileURLToPath(new URL('../../', import.meta.url));
/** How long the page is watched after its first report, for retries and further sampling. */
const WATCH_MS = 4000;

/**
 * The app's page, on its own origin: a loopback data-channel call (127.0.0.1
 * candidates only) observed by the SDK bundle, which reports to the collector
 * named in `?endpoint=` with the key in `?key=`. It counts its getStats()
 * calls and keeps what `onError` is told.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>cross-origin app</title>
<script type="module">
import { createRtcPulse } from '/sdk/rtcpulse.js';
const params = new URLSearchParams(location.search);
const state = (window.app = { statsCalls: 0, errors: [], live: false });
const getStats = RTCPeerConnection.prototype.getStats;
RTCPeerConnection.prototype.getStats = function (...args) { state.statsCalls++; return getStats.apply(this, args); };
const key = params.get('key');
const pulse = createRtcPulse({
  endpoint: params.get('endpoint') + '?key=' + encodeURIComponent(key),
  tenant: key, sessionId: 'page-' + key, callId: 'cross-origin-call', participantId: 'p-1', intervalMs: 250, maxBatchSamples: 2,
  onError: (error) => state.errors.push(String(error && error.message)),
});
const a = new RTCPeerConnection();
const b = new RTCPeerConnection();
const forward = (to) => (e) => { if (e.candidate && / (127\\.0\\.0\\.1|::1) /.test(e.candidate.candidate)) to.addIceCandidate(e.candidate).catch(() => {}); };
a.onicecandidate = forward(b);
b.onicecandidate = forward(a);
a.createDataChannel('chat');
pulse.observe(a);
pulse.observe(b);
pulse.start();
await a.setLocalDescription(await a.createOffer());
await b.setRemoteDescription(a.localDescription);
await b.setLocalDescription(await b.createAnswer());
await a.setRemoteDescription(b.localDescription);
state.live = true;
</script>`;

/** Serves {@link PAGE} at `/` and the SDK bundle at `/sdk/rtcpulse.js`, on a port of its own. */
async function startPageServer(): Promise<{ server: Server; origin: string }> {
  const sdk = await readFile(join(repo, 'packages/sdk/dist/rtcpulse.js'));
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else if (path === '/sdk/rtcpulse.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface AppState {
  statsCalls: number;
  errors: string[];
  live: boolean;
}

describe('a cross-origin page whose key the collector refuses', () => {
  let dataDir: string;
  let app: CollectorApp;
  let pages: { server: Server; origin: string };
  let browser: Browser;
  let endpoint: string;

  beforeAll(async () => {
    pages = await startPageServer();
    dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-cors-'));
    const publicKeys = [
      { key: 'pk_page', origins: [pages.origin] },
      { key: 'pk_elsewhere', origins: ['https://elsewhere.test'] },
    ];
    app = await buildApp({
      store: storeConfigFromEnv(process.env, { dataDir }),
      security: { tenants: { tenants: [{ id: 'cors', publicKeys, serverKeys: [] }] } },
    });
    endpoint = `${await app.listen({ host: '127.0.0.1', port: 0 })}/v1/reports`;
    expect(new URL(endpoint).origin).not.toBe(pages.origin);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((resolve) => pages?.server.close(resolve));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Open the page with `key`, wait for its first report to be answered, then watch it for {@link WATCH_MS}. */
  async function runPage(key: string) {
    const page = await browser.newPage();
    const statuses: number[] = [];
    let requests = 0;
    page.on('request', (r) => {
      if (r.url().startsWith(endpoint)) requests++;
    });
    page.on('response', (r) => {
      if (r.url().startsWith(endpoint)) statuses.push(r.status());
    });
    page.on('requestfailed', (r) => {
      if (r.url().startsWith(endpoint)) statuses.push(0);
    });
    const state = () => page.evaluate(() => (window as unknown as { app: AppState }).app);
    try {
      await page.goto(`${pages.origin}/?${new URLSearchParams({ key, endpoint }).toString()}`);
      await page.waitForFunction(() => (window as unknown as { app?: AppState }).app?.live === true, undefined, { timeout: 20_000 });
      await expect.poll(() => statuses.length, { timeout: 15_000 }).toBeGreaterThan(0);
      await page.waitForTimeout(500);
      const before = await state();
      await page.waitForTimeout(WATCH_MS);
      const after = await state();
      return { requests, statuses: [...statuses], errors: after.errors, statsCallsWhileWatched: after.statsCalls - before.statsCalls };
    } finally {
      await page.close();
    }
  }

  it('reports with a key the page origin may use (the control: cross-origin writes work)', async () => {
    const run = await runPage('pk_page');
    expect(run.errors).toEqual([]);
    expect(run.statuses.length).toBeGreaterThan(1);
    expect(new Set(run.statuses)).toEqual(new Set([202]));
    expect(run.statsCallsWhileWatched).toBeGreaterThan(0);
  });

  it('an unknown key: one request, 401 seen, sampling stopped, onError told once', async () => {
    const run = await runPage('pk_wrong');
    expect(run.requests).toBe(1);
    expect(run.statuses).toEqual([401]);
    expect(run.errors).toEqual(['key refused: HTTP 401']);
    expect(run.statsCallsWhileWatched).toBe(0);
  });

  it('a key whose allow-list excludes the page: one request, 403 seen, nothing stored', async () => {
    const run = await runPage('pk_elsewhere');
    expect(run.requests).toBe(1);
    expect(run.statuses).toEqual([403]);
    expect(run.errors).toEqual(['key refused: HTTP 403']);
    expect(run.statsCallsWhileWatched).toBe(0);
    // Nothing of the refused page's session is kept (the control's session is).
    const stored = await app.store.client.query({
      query: `SELECT session_id, count() AS n FROM batches WHERE tenant = 'cors' GROUP BY session_id ORDER BY session_id`,
      format: 'JSONEachRow',
    });
    const sessions = (await stored.json<{ session_id: string }>()).map((r) => r.session_id);
    expect(sessions).toEqual(['page-pk_page']);
  });
});
