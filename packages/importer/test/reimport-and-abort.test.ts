import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ReportBatch } from '@rtcpulse/schema';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { abortedOutcome, defaultSessionId, ImportAbortedError, importDumpFile, importOutcome, postBatch, resolveIngestUrl } from '../src/index.js';
import { accepted, answeringServer, type AnsweringServer } from './answering-server.js';
import { INTERNALS_FIXTURE, SHARED_DUMPS } from './dump-files.js';

const SAFARI = `${SHARED_DUMPS}safari-standard-stats.rtcstats`;
let dir: string;
let server: AnsweringServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rtcpulse-importer-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('importing again', () => {
  it('says plainly that nothing new was written when the collector already had every batch', async () => {
    server = await answeringServer([accepted('duplicate')]);
    const result = await importDumpFile(SAFARI, { url: server.url, tenant: 't', batchSamples: 30 });
    expect(result.batchesSent).toBe(3);
    expect(result.batchesDuplicate).toBe(3);
    const outcome = importOutcome(result, 'safari.rtcstats', 1);
    expect(outcome.exitCode).toBe(4);
    expect(outcome.details).toContain('3 batches were already stored; nothing new written — pass --session to import again under a new id');
  });

  it('counts the duplicates of a partly stored import and still exits as for a new one', async () => {
    server = await answeringServer([accepted('duplicate'), accepted('stored')]);
    const result = await importDumpFile(SAFARI, { url: server.url, tenant: 't', batchSamples: 30 });
    expect(result.batchesDuplicate).toBe(1);
    const outcome = importOutcome(result, 'safari.rtcstats', 1);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.details).toContain('1 of 3 batches were already stored (kept once); the rest is new');
  });

  it('derives a new session id for a shifted import, the same one for a plain re-import', async () => {
    expect(await defaultSessionId(SAFARI)).toBe(await defaultSessionId(SAFARI, 0));
    expect(await defaultSessionId(SAFARI, 5_000)).not.toBe(await defaultSessionId(SAFARI));
    const first = await importDumpFile(SAFARI, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true, shiftToNow: true, now: () => 1.8e12 });
    const second = await importDumpFile(SAFARI, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true, shiftToNow: true, now: () => 1.8e12 + 60_000 });
    expect(first.identity.sessionId).not.toBe(second.identity.sessionId);
    expect(first.identity.sessionId).not.toBe(await defaultSessionId(SAFARI));
  });
});

describe('an import that stops', () => {
  it('says what was stored before a batch could not be delivered, and that re-running is safe', async () => {
    server = await answeringServer([accepted('stored'), accepted('stored'), { status: 400, body: '{"message":"bad batch"}' }]);
    const error = await importDumpFile(SAFARI, { url: server.url, tenant: 't', batchSamples: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportAbortedError);
    const { partial } = error as ImportAbortedError;
    expect(partial).toMatchObject({ batchesSent: 2, samplesSent: 60, batchesDuplicate: 0 });
    const outcome = abortedOutcome(error as ImportAbortedError, 'safari.rtcstats');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.details[0]).toMatch(/^stopped: collector refused batch 2: HTTP 400/);
    expect(outcome.details[1]).toMatch(/^stored before the failure: 2 batch\(es\) \(60 samples, \d+ events\) in session import-/);
    expect(outcome.details.slice(2, 4)).toEqual(['read before the stop:', expect.stringMatching(/^ {2}format rtcstats: \d+ entries/)]);
    expect(outcome.details.at(-1)).toMatch(/re-running the same command is safe/);
  });

  it('names the URL and the cause when the collector cannot be reached', async () => {
    const closed = await answeringServer([]);
    await closed.close();
    const url = closed.url;
    const batch: ReportBatch = {
      ...{ v: 1, sdkVersion: 'x', tenant: 't', sessionId: 's', callId: 'c', participantId: 'p', batchSeq: 0, sentAt: 1 },
      ...{ meta: { browser: 'chrome', os: 'linux' }, dropped: { samples: 0, events: 0 }, samples: [], events: [] },
    };
    const error = await postBatch(batch, { url, maxAttempts: 1 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`cannot reach the collector at ${url}: connect ECONNREFUSED 127.0.0.1:`);
  });

  it('imports what precedes the cut of a truncated .gz rtcstats dump and reports the truncation (exit 3)', async () => {
    const whole = gzipSync(await readFile(SAFARI));
    const path = join(dir, 'cut.rtcstats.gz');
    await writeFile(path, whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await importDumpFile(path, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true });
    expect(result.report.truncated).toBe(true);
    expect(result.samplesSent).toBeGreaterThan(10);
    expect(result.samplesSent).toBeLessThan(82);
    const outcome = importOutcome(result, 'cut.rtcstats.gz', 1);
    expect(outcome.exitCode).toBe(3);
    expect(outcome.details).toContain('the file is truncated (the gzip stream ends early): what came before the cut was imported');
  });

  it('stops with a clear message on a truncated .gz webrtc-internals export (exit 3)', async () => {
    const whole = await readFile(INTERNALS_FIXTURE);
    const path = join(dir, 'cut-internals.json.gz');
    await writeFile(path, whole.subarray(0, Math.floor(whole.length * 0.8)));
    const error = await importDumpFile(path, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportAbortedError);
    const outcome = abortedOutcome(error as ImportAbortedError, 'cut-internals.json.gz');
    expect(outcome.details[0]).toMatch(/^stopped: the file is truncated \(the gzip stream ends early\)/);
    expect(outcome.exitCode).toBe(3);
  });
});

it('takes a bare collector origin as its ingest URL', () => {
  expect(resolveIngestUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318/v1/reports');
  expect(resolveIngestUrl('http://127.0.0.1:4318/')).toBe('http://127.0.0.1:4318/v1/reports');
  expect(resolveIngestUrl('https://c.example/ingest/v1/reports')).toBe('https://c.example/ingest/v1/reports');
  expect(() => resolveIngestUrl('127.0.0.1:4318')).toThrow(/not an http\(s\) URL|not a URL/);
});
