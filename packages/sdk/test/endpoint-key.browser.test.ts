import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, storeConfigFromEnv, type CollectorApp } from '@rtcpulse/collector';
import { launchChromium } from '@rtcpulse/browser-harness';
import { buildSdk } from '../scripts/build.mjs';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
/** A public key with characters a query must encode. */
const KEY = 'pk_live_a+b/c&d=é';

/**
 * The app's page, set up as the README shows: one session per endpoint in
 * `?endpoints=` (JSON), each with the tenant's public key as `tenant` and a
 * fresh peer connection, sampled every 250 ms and stopped after a second.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>readme setup</title>
<script type="module">
import { createRtcPulse } from '/sdk/rtcpulse.js';
const params = new URLSearchParams(location.search);
const endpoints = JSON.parse(params.get('endpoints'));
const errors = [];
window.run = async () => {
  const pulses = endpoints.map((endpoint, i) => {
    const pulse = createRtcPulse({
      endpoint, tenant: params.get('key'), sessionId: 'readme-' + i, callId: 'readme-call', participantId: 'user-1',
      intervalMs: 250, onError: (error) => errors.push(String(error && error.message)),
    });
    pulse.observe(new RTCPeerConnection());
    pulse.start();
    return pulse;
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await Promise.all(pulses.map((pulse) => pulse.stop()));
  return errors;
};
</script>`;

/**
 * A page on another origin than the collector's, as an app's page usually is: it imports the SDK module from the
 * collector (`?sdk=`) and reports to an endpoint with a typo (`?endpoint=`).
 */
const CROSS_ORIGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>typo</title>
<script type="module">
const params = new URLSearchParams(location.search);
const errors = [];
window.run = async () => {
  const { createRtcPulse } = await import(params.get('sdk'));
  const pulse = createRtcPulse({
    endpoint: params.get('endpoint'), tenant: params.get('key'), callId: 'typo-call', participantId: 'user-1',
    intervalMs: 250, onError: (error) => errors.push(String(error && error.message)),
  });
  pulse.observe(new RTCPeerConnection());
  pulse.start();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await pulse.stop();
  return errors;
};
</script>`;

describe('the documented setup (an endpoint without ?key=) against the real collector', () => {
  let dataDir: string;
  let pageDir: string;
  let app: CollectorApp;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    await buildSdk();
    dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-sdk-key-'));
    pageDir = await mkdtemp(join(tmpdir(), 'rtcpulse-sdk-page-'));
    await writeFile(join(pageDir, 'index.html'), PAGE);
    await writeFile(join(pageDir, 'typo.html'), CROSS_ORIGIN_PAGE);
    app = await buildApp({
      store: storeConfigFromEnv(process.env, { dataDir }),
      demoDir: pageDir,
      sdkDir: DIST,
      security: { tenants: { tenants: [{ id: 'readme', publicKeys: [{ key: KEY, origins: ['self'] }], serverKeys: [] }] } },
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    for (const dir of [dataDir, pageDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stores the reports: the SDK adds the key to the query, and leaves an endpoint that has one as it is', async () => {
    const endpoints = [
      `${origin}/v1/reports`,
      `${origin}/v1/reports?source=readme`,
      `${origin}/v1/reports?key=${encodeURIComponent(KEY)}`,
    ];
    const page = await browser.newPage();
    const posts: Array<{ url: string; status: number }> = [];
    page.on('response', (r) => {
      if (r.url().includes('/v1/reports')) posts.push({ url: r.url(), status: r.status() });
    });
    try {
      await page.goto(`${origin}/demo/?${new URLSearchParams({ key: KEY, endpoints: JSON.stringify(endpoints) }).toString()}`);
      await page.waitForFunction(() => 'run' in window, undefined, { timeout: 10_000 });
      expect(await page.evaluate(() => (window as unknown as { run(): Promise<string[]> }).run())).toEqual([]);
    } finally {
      await page.close();
    }

    const key = encodeURIComponent(KEY);
    expect(new Set(posts.map((p) => p.url))).toEqual(
      new Set([`${endpoints[0]}?key=${key}`, `${endpoints[1]}&key=${key}`, endpoints[2]]),
    );
    expect(posts.every((p) => p.status === 202)).toBe(true);

    const stored = await app.store.client.query({
      query: `SELECT session_id, countIf(type = 'session.end') AS ends FROM events WHERE tenant = 'readme' GROUP BY session_id ORDER BY session_id`,
      format: 'JSONEachRow',
    });
    expect((await stored.json<{ session_id: string; ends: number | string }>()).map((r) => [r.session_id, Number(r.ends)])).toEqual([
      ['readme-0', 1],
      ['readme-1', 1],
      ['readme-2', 1],
    ]);
    const samples = await app.store.client.query({
      query: `SELECT session_id, count() AS n FROM samples WHERE tenant = 'readme' GROUP BY session_id ORDER BY session_id`,
      format: 'JSONEachRow',
    });
    const sampleRows = await samples.json<{ session_id: string; n: number | string }>();
    expect(sampleRows.map((r) => r.session_id)).toEqual(['readme-0', 'readme-1', 'readme-2']);
    for (const row of sampleRows) expect(Number(row.n), row.session_id).toBeGreaterThan(0);
  });

  it('from a page on another origin: imports the SDK from the collector, and a typo in the endpoint reaches onError as a 404', async () => {
    // Another origin for the same collector: localhost instead of 127.0.0.1.
    const pageOrigin = origin.replace('127.0.0.1', 'localhost');
    const page = await browser.newPage();
    try {
      const query = new URLSearchParams({ key: KEY, sdk: `${origin}/sdk/rtcpulse.js`, endpoint: `${origin}/v1/report` });
      await page.goto(`${pageOrigin}/demo/typo.html?${query.toString()}`);
      await page.waitForFunction(() => 'run' in window, undefined, { timeout: 10_000 });
      // Before, the SDK module could not be imported from the page's origin, and the 404 came as a network error
      // (retried, never told).
      expect(await page.evaluate(() => (window as unknown as { run(): Promise<string[]> }).run())).toEqual(['report refused: HTTP 404']);
    } finally {
      await page.close();
    }
  });
});
