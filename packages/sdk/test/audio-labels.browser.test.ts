import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@rtcpulse/browser-harness';
import { FULL_READ_EVERY } from '../src/extract/stats-reader.js';
import type { LabelRun } from './browser/observe-page.js';

describe('audio-processing labels of an observed connection, in real Chromium', () => {
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    // getUserMedia needs a secure context: a page served from 127.0.0.1.
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>labels</title>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it(`shows a replaced, muted or unmuted track in the next sample and a changed setting within ${FULL_READ_EVERY} samples, asking the browser only then`, async () => {
    const bundle = await build({
      entryPoints: [new URL('browser/observe-page.ts', import.meta.url).pathname],
      bundle: true, format: 'iife', globalName: 'ObservePage', write: false, target: ['chrome100'],
    });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const run = (await page.evaluate(`ObservePage.labelsAcrossChanges([3, 3, 2, 2, ${FULL_READ_EVERY}])`)) as LabelRun;
    await page.close();

    expect(run.errors).toEqual([]);
    expect(run.replacement).toMatchObject({ noiseSuppression: false, autoGainControl: false });
    const [before, replaced, muted, unmuted, changed] = run.phases;
    expect(run.labels).toHaveLength(before + replaced + muted + unmuted + changed);
    const on = ['on', 'on'];
    const off = ['off', 'off'];
    // The default microphone processing, then the replacement's from the very next sample.
    expect(run.labels.slice(0, before)).toEqual(Array(before).fill(on));
    expect(run.labels.slice(before, before + replaced)).toEqual(Array(replaced).fill(off));
    // Muted by replaceTrack(null): no microphone, no labels; the track back: its labels from the very next sample.
    let at = before + replaced;
    expect(run.labels.slice(at, (at += muted))).toEqual(Array(muted).fill([undefined, undefined]));
    expect(run.labels.slice(at, (at += unmuted))).toEqual(Array(unmuted).fill(off));
    // A changed setting of the same track: the old labels until the next full read, the new ones from it on (the last sample at the latest).
    const last = run.labels.slice(at);
    const firstOn = last.findIndex(([ns]) => ns === 'on');
    expect(firstOn).toBeGreaterThanOrEqual(0);
    expect(last).toEqual([...Array(firstOn).fill(off), ...Array(changed - firstOn).fill(on)]);
    // Cached: the browser was asked on each full read of the stats (while a track was sent) and for the two tracks
    // put in (unless a full read came first), and most reads were partial.
    expect(run.settingsReads).toBeLessThanOrEqual(run.fullReads + 2);
    expect(run.fullReads).toBeLessThan(run.labels.length / 2);
  });
});
