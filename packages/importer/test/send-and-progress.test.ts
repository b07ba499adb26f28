import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportBatch } from '@rtcpulse/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportSendError, importDumpFile, postBatch, type ImportProgress } from '../src/index.js';
import { answeringServer } from './answering-server.js';
import { INTERNALS_FIXTURE, SHARED_DUMPS, readText } from './dump-files.js';

const BATCH: ReportBatch = {
  v: 1,
  sdkVersion: 'importer-test',
  tenant: 't',
  sessionId: 's',
  callId: 'c',
  participantId: 'p',
  batchSeq: 0,
  sentAt: 1_700_000_000_000,
  meta: { browser: 'chrome', os: 'linux' },
  dropped: { samples: 0, events: 0 },
  samples: [],
  events: [],
};

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

describe('sending batches', () => {
  it('retries 503 and 429, waiting at least Retry-After, and sends the same batch again with a fresh sentAt', async () => {
    const server = await answeringServer([{ status: 503 }, { status: 429, headers: { 'retry-after': '2' } }, { status: 202 }]);
    closeServer = server.close;
    const waits: number[] = [];
    let clock = 1_700_000_100_000;
    const now = (): number => (clock += 1_000);
    await postBatch(BATCH, { url: server.url, sleep: async (ms) => void waits.push(ms), random: () => 0.5, now });
    expect(server.bodies).toHaveLength(3);
    const sent = server.bodies.map((b) => JSON.parse(b) as ReportBatch);
    // The collector corrects clock skew from sentAt: a retry stamped with the first attempt's time would look skewed.
    expect(sent.map((b) => b.sentAt)).toEqual([1_700_000_101_000, 1_700_000_102_000, 1_700_000_103_000]);
    expect(new Set(sent.map((b) => JSON.stringify({ ...b, sentAt: 0 }))).size).toBe(1);
    expect(sent[0]?.batchSeq).toBe(BATCH.batchSeq);
    expect(waits[0]).toBe(250);
    expect(waits[1]).toBe(2000);
  });

  it('gives up on a 400 at once, with the answer in the error', async () => {
    const server = await answeringServer([{ status: 400 }]);
    closeServer = server.close;
    const error = await postBatch(BATCH, { url: server.url, sleep: async () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportSendError);
    expect((error as ImportSendError).status).toBe(400);
    expect(server.bodies).toHaveLength(1);
  });

  it('stops after the last attempt when the collector keeps failing', async () => {
    const server = await answeringServer([{ status: 502 }]);
    closeServer = server.close;
    await expect(postBatch(BATCH, { url: server.url, maxAttempts: 3, sleep: async () => undefined })).rejects.toThrow(/3 attempts/);
    expect(server.bodies).toHaveLength(3);
  });
});

describe('importing a file', () => {
  it('reports progress up to 100% and sends batches while it reads a large dump', async () => {
    const server = await answeringServer([{ status: 202 }]);
    closeServer = server.close;
    const progress: ImportProgress[] = [];
    const result = await importDumpFile(`${SHARED_DUMPS}safari-standard-stats.rtcstats`, {
      url: server.url,
      tenant: 'support',
      batchSamples: 20,
      onProgress: (p) => progress.push(p),
    });
    const percents = progress.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.length).toBeGreaterThanOrEqual(5);
    expect(percents.at(-1)).toBe(100);
    expect(progress.some((p) => p.percent < 100 && p.batchesSent > 0)).toBe(true);
    expect(result.batchesSent).toBe(server.bodies.length);
    const batches = server.bodies.map((b) => JSON.parse(b) as ReportBatch);
    expect(batches.map((b) => b.batchSeq)).toEqual(batches.map((_, i) => i));
    expect(batches.reduce((n, b) => n + b.samples.length, 0)).toBe(82);
    expect(batches[0]?.meta).toMatchObject({ browser: 'safari', os: 'macos' });
    expect(new Set(batches.map((b) => b.sessionId))).toEqual(new Set([result.identity.sessionId]));
  });

  it('reads a gzip-compressed webrtc-internals download and can shift it to now', async () => {
    const before = Date.now();
    const batches: ReportBatch[] = [];
    const result = await importDumpFile(INTERNALS_FIXTURE, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true, shiftToNow: true, onBatch: (b) => batches.push(b) });
    expect(result.report.format).toBe('webrtc-internals');
    const last = Math.max(...batches.flatMap((b) => [...b.samples.map((s) => s.ts), ...b.events.map((e) => e.ts)]));
    expect(last).toBeGreaterThanOrEqual(before);
    expect(last).toBeLessThanOrEqual(Date.now());
  });

  it('shifts by the call, not by a page-level header stamped years later, so samples and session land at now', async () => {
    // safari-standard-stats: the call is from 2020, its connectionInfo line from 2023.
    const now = 1_800_000_000_000;
    const batches: ReportBatch[] = [];
    const result = await importDumpFile(`${SHARED_DUMPS}safari-standard-stats.rtcstats`, {
      url: 'http://127.0.0.1:9/unused',
      tenant: 't',
      dryRun: true,
      shiftToNow: true,
      now: () => now,
      onBatch: (b) => batches.push(b),
    });
    const samples = batches.flatMap((b) => b.samples.map((s) => s.ts));
    const events = batches.flatMap((b) => b.events);
    expect(samples).toHaveLength(82);
    expect(Math.max(...samples)).toBeLessThanOrEqual(now);
    expect(Math.min(...samples)).toBeGreaterThan(now - 10 * 60_000);
    expect(events.find((e) => e.type === 'session.end')?.ts).toBe(now);
    expect(events.find((e) => e.type === 'session.start')?.ts).toBeGreaterThan(now - 10 * 60_000);
    expect(result.shiftMs).toBe(events.find((e) => e.type === 'session.end')!.ts - Date.parse('2020-11-12T16:46:47.729Z'));
  });

  it('reports progress while a webrtc-internals export is read (bytes) and then while it is converted (entries)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-importer-'));
    try {
      const path = join(dir, 'webrtc_internals_dump.txt');
      await writeFile(path, readText(INTERNALS_FIXTURE));
      const progress: ImportProgress[] = [];
      const result = await importDumpFile(path, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true, batchSamples: 5, onProgress: (p) => progress.push(p) });
      const reading = progress.filter((p) => p.phase === 'reading').map((p) => p.percent);
      const converting = progress.filter((p) => p.phase === 'converting');
      expect(reading.filter((p) => p < 100).length).toBeGreaterThanOrEqual(3);
      expect(reading).toEqual([...reading].sort((a, b) => a - b));
      expect(reading.at(-1)).toBe(100);
      expect(progress.findIndex((p) => p.phase === 'converting')).toBe(reading.length);
      expect(converting.map((p) => p.percent)).toEqual(converting.map((p) => p.percent).sort((a, b) => a - b));
      expect(converting.length).toBeGreaterThanOrEqual(20);
      expect(converting.at(-1)?.percent).toBe(100);
      expect(converting.some((p) => p.batchesSent > 0 && p.batchesSent < result.batchesSent)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
