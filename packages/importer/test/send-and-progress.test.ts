import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReportBatch } from '@rtcpulse/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportSendError, importDumpFile, postBatch, retryAfterMs, type ImportProgress } from '../src/index.js';
import { INTERNALS_FIXTURE, SHARED_DUMPS } from './dump-files.js';

/** A real HTTP server on 127.0.0.1 answering with the given statuses in turn (the last one repeats). */
async function collectorAnswering(answers: Array<{ status: number; headers?: Record<string, string> }>) {
  const bodies: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      bodies.push(body);
      const answer = answers[Math.min(bodies.length - 1, answers.length - 1)] ?? { status: 202 };
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.status < 300 ? '{"accepted":{"samples":0,"events":0}}' : '{"message":"no"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/reports`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

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
  it('retries 503 and 429, waiting at least Retry-After, and sends the same body again', async () => {
    const server = await collectorAnswering([{ status: 503 }, { status: 429, headers: { 'retry-after': '2' } }, { status: 202 }]);
    closeServer = server.close;
    const waits: number[] = [];
    await postBatch(BATCH, { url: server.url, sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    expect(server.bodies).toHaveLength(3);
    expect(new Set(server.bodies).size).toBe(1);
    expect(waits[0]).toBe(250);
    expect(waits[1]).toBe(2000);
  });

  it('gives up on a 400 at once, with the answer in the error', async () => {
    const server = await collectorAnswering([{ status: 400 }]);
    closeServer = server.close;
    const error = await postBatch(BATCH, { url: server.url, sleep: async () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportSendError);
    expect((error as ImportSendError).status).toBe(400);
    expect(server.bodies).toHaveLength(1);
  });

  it('stops after the last attempt when the collector keeps failing', async () => {
    const server = await collectorAnswering([{ status: 502 }]);
    closeServer = server.close;
    await expect(postBatch(BATCH, { url: server.url, maxAttempts: 3, sleep: async () => undefined })).rejects.toThrow(/3 attempts/);
    expect(server.bodies).toHaveLength(3);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('importing a file', () => {
  it('reports progress up to 100% and sends batches while it reads a large dump', async () => {
    const server = await collectorAnswering([{ status: 202 }]);
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
});
