import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ReportBatch } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import {
  abortedOutcome,
  defaultSessionId,
  dumpDigest,
  firstBatchSeq,
  ImportAbortedError,
  importDumpFile,
  importOutcome,
  postBatch,
  readEverything,
  resolveIngestUrl,
} from '../src/index.js';
import { accepted, answeringServer } from './answering-server.js';
import { scratchPerFile } from './scratch.js';
import { INTERNALS_FIXTURE, SHARED_DUMPS } from './dump-files.js';

const SAFARI = `${SHARED_DUMPS}safari-standard-stats.rtcstats`;
const scratch = scratchPerFile('rtcpulse-importer-');

describe('importing again', () => {
  it('says plainly that nothing new was written when the collector already had every batch', async () => {
    const server = await scratch.serve([accepted('duplicate')]);
    const result = await importDumpFile(SAFARI, { url: server.url, tenant: 't', batchSamples: 30 });
    expect(result.batchesSent).toBe(3);
    expect(result.batchesDuplicate).toBe(3);
    const outcome = importOutcome(result, 'safari.rtcstats', 1);
    expect(outcome.exitCode).toBe(4);
    expect(outcome.details).toContain('3 batches were already stored; nothing new written — pass --session to import again under a new id');
    // Under a session the user named, the batches that were there are this dump's (each dump has its own batch numbers).
    const named = importOutcome({ ...result, derivedSessionId: false }, 'safari.rtcstats', 1);
    expect(named.summary).toBe(`nothing new from safari.rtcstats: the collector already holds this dump in session ${result.identity.sessionId} (tenant key t)`);
    expect(named.details).toContain('3 batches were already stored; nothing new written — pass another --session to import it again');
  });

  it('numbers the batches of a dump imported under a named session from a start of its own, the same on every run', async () => {
    const server = await scratch.serve([accepted('stored')]);
    const seqs = async (path: string): Promise<number[]> => {
      const before = server.bodies.length;
      await importDumpFile(path, { url: server.url, tenant: 't', sessionId: 'ticket-4711', batchSamples: 30 });
      return server.bodies.slice(before).map((b) => (JSON.parse(b) as { batchSeq: number }).batchSeq);
    };
    const safari = await seqs(SAFARI);
    const firefox = await seqs(`${SHARED_DUMPS}firefox-standard-stats-sfu.rtcstats`);
    expect(await seqs(SAFARI)).toEqual(safari);
    expect(safari).toEqual([0, 1, 2].map((i) => safari[0]! + i));
    expect(safari[0]).toBe(firstBatchSeq(await dumpDigest(SAFARI)));
    expect(firefox[0]).not.toBe(safari[0]);
    expect(Math.max(...safari, ...firefox)).toBeLessThan(2 ** 32);
    expect(firstBatchSeq('f'.repeat(64)) + 2 ** 17 - 1).toBe(2 ** 32 - 1);
  });

  it('counts the duplicates of a partly stored import and still exits as for a new one', async () => {
    const server = await scratch.serve([accepted('duplicate'), accepted('stored')]);
    const result = await importDumpFile(SAFARI, { url: server.url, tenant: 't', batchSamples: 30 });
    expect(result.batchesDuplicate).toBe(1);
    const outcome = importOutcome(result, 'safari.rtcstats', 1);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.details).toContain('1 of 3 batches was already stored (kept once); the rest is new');
  });

  it('repeats or resumes a shifted import with the command it prints (--session … --shift-ms …): the same batch numbers', async () => {
    const server = await scratch.serve([accepted('stored')]);
    const seqs = (from: number): number[] => server.bodies.slice(from).map((b) => (JSON.parse(b) as { batchSeq: number }).batchSeq);
    const first = await importDumpFile(SAFARI, { url: server.url, tenant: 't', shiftToNow: true, batchSamples: 30 });
    const sent = server.bodies.length;
    const outcome = importOutcome(first, 'safari.rtcstats', 1);
    expect(outcome.details).toContain(`timestamps shifted by ${first.shiftMs} ms (resume or repeat with --session ${first.identity.sessionId} --shift-ms ${first.shiftMs})`);
    await importDumpFile(SAFARI, { url: server.url, tenant: 't', sessionId: first.identity.sessionId, shiftMs: first.shiftMs, batchSamples: 30 });
    // Before: the repeat was numbered as a named session's (from its digest's start), so the collector stored every batch again.
    expect(seqs(sent)).toEqual(seqs(0).slice(0, sent));
    expect(seqs(0).slice(0, sent)).toEqual([0, 1, 2]);
  });

  it('calls a one-line file that is no dump (an error page saved as the dump) no dump, not a truncated one', async () => {
    const path = scratch.path('not-found.rtcstats');
    await writeFile(path, 'Not Found');
    const result = await importDumpFile(path, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true });
    const outcome = importOutcome(result, 'not-found.rtcstats', 1);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.summary).toMatch(/: not a dump this importer reads/);
    // A real dump cut off within its first line (a download cut short) is still a truncated dump.
    const cut = scratch.path('cut-early.rtcstats');
    await writeFile(cut, (await readFile(SAFARI, 'utf8')).slice(0, 60));
    const early = importOutcome(await importDumpFile(cut, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true }), 'cut-early.rtcstats', 1);
    expect(early.summary).not.toMatch(/not a dump/);
    expect(early.details.join('\n')).toMatch(/truncated \(its last line is cut off\)/);
    // A line that only starts with a bracket is no entry: an entry starts `["method"`.
    const bracketed = scratch.path('error.rtcstats');
    await writeFile(bracketed, '[ERROR] 404 Not Found');
    const error = importOutcome(await importDumpFile(bracketed, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true }), 'error.rtcstats', 1);
    expect(error.summary).toMatch(/: not a dump this importer reads/);
    // A gzip download cut before its first line ends is truncated, not empty.
    const gz = scratch.path('cut.rtcstats.gz');
    await writeFile(gz, gzipSync(await readFile(SAFARI)).subarray(0, 40));
    const cutGzip = importOutcome(await importDumpFile(gz, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true }), 'cut.rtcstats.gz', 1);
    expect(cutGzip.exitCode).toBe(1);
    expect(cutGzip.summary).not.toMatch(/the file is empty/);
    expect(cutGzip.details.join('\n')).toMatch(/the gzip stream ends early/);
  });

  it('derives the session id from the content: a renamed or gzipped copy is the same session, a cut-off copy another', async () => {
    // A customer re-sends `dump (1).rtcstats`, or the .gz Chrome downloads: the same call, not a second one.
    const text = await readFile(SAFARI);
    const renamed = scratch.path('dump (1).rtcstats');
    const gzipped = scratch.path('safari.rtcstats.gz');
    const cut = scratch.path('safari-cut.rtcstats');
    await writeFile(renamed, text);
    await writeFile(gzipped, gzipSync(text));
    await writeFile(cut, text.subarray(0, text.length - 1000));
    const original = await defaultSessionId(SAFARI);
    expect(await defaultSessionId(renamed)).toBe(original);
    expect(await defaultSessionId(gzipped)).toBe(original);
    expect(await defaultSessionId(cut)).not.toBe(original);
    // So the collector answers every batch of the copy as a duplicate, and the command says nothing new was written (exit 4).
    const server = await scratch.serve([accepted('duplicate')]);
    const again = await importDumpFile(gzipped, { url: server.url, tenant: 't' });
    expect(again.identity.sessionId).toBe(original);
    expect(importOutcome(again, 'safari.rtcstats.gz', 1).exitCode).toBe(4);
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
  it('says what was stored before a batch could not be delivered, that the rest was not read, and that re-running is safe', async () => {
    // Batch 2 of 5 fails while the file is still being read (the collector was killed, say).
    const server = await scratch.serve([accepted('stored'), accepted('stored'), { status: 503 }]);
    const error = await importDumpFile(SAFARI, { url: server.url, tenant: 't', batchSamples: 20, maxAttempts: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportAbortedError);
    const { partial } = error as ImportAbortedError;
    expect(partial).toMatchObject({ batchesSent: 2, samplesSent: 40, batchesDuplicate: 0 });
    expect(readEverything(partial.report)).toBe(false);
    const outcome = abortedOutcome(error as ImportAbortedError, 'safari.rtcstats');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.details[0]).toMatch(/^stopped: batch 2 not delivered after 1 attempt: HTTP 503/);
    expect(outcome.details[1]).toMatch(/^stored before the failure: 2 batches \(40 samples, \d+ events\) in session import-/);
    expect(outcome.details.slice(2, 4)).toEqual(['read before the stop:', expect.stringMatching(/^ {2}format rtcstats: \d+ entries/)]);
    expect(outcome.details).toContainEqual(expect.stringMatching(/^ {2}could not read: what follows the stop/));
    expect(outcome.details).not.toContainEqual(expect.stringMatching(/everything in the dump was read/));
    expect(outcome.details.at(-1)).toMatch(/^re-running the same command is safe/);
  });

  it('does not call re-running safe after a refusal that would come again (401)', async () => {
    const server = await scratch.serve([accepted('stored'), { status: 401, body: '{"message":"unknown ingest key"}' }]);
    const error = await importDumpFile(SAFARI, { url: server.url, tenant: 't', batchSamples: 30 }).catch((e: unknown) => e);
    const outcome = abortedOutcome(error as ImportAbortedError, 'safari.rtcstats');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.details[0]).toMatch(/^stopped: collector refused batch 1: HTTP 401/);
    expect(outcome.details.at(-1)).toMatch(/^the collector refused the batch: re-running the same command stops the same way until the cause is fixed \(for 401 or 403, the --tenant key\)/);
    expect(outcome.details.join('\n')).not.toMatch(/is safe:/);
  });

  it('points at the --url after a 404 (a wrong ingest path)', async () => {
    const server = await scratch.serve([{ status: 404, body: '{"message":"Route POST:/v1/report not found"}' }]);
    const error = await importDumpFile(SAFARI, { url: server.url, tenant: 't', batchSamples: 30 }).catch((e: unknown) => e);
    const outcome = abortedOutcome(error as ImportAbortedError, 'safari.rtcstats');
    expect(outcome.details.at(-1)).toMatch(/until the cause is fixed \(for 404 or 405, the --url: give the collector's origin or its \/v1\/reports\)/);
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
    const path = scratch.path('cut.rtcstats.gz');
    await writeFile(path, whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await importDumpFile(path, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true });
    expect(result.report.truncated).toBe(true);
    expect(result.samplesSent).toBeGreaterThan(10);
    expect(result.samplesSent).toBeLessThan(82);
    const outcome = importOutcome(result, 'cut.rtcstats.gz', 1);
    expect(outcome.exitCode).toBe(3);
    expect(outcome.details).toContain('the file is truncated (the gzip stream ends early): what came before the cut was imported');
  });

  it('imports what precedes the cut of a plain rtcstats dump cut mid-line and reports the truncation, not an unparseable line (exit 3)', async () => {
    const whole = await readFile(SAFARI, 'utf8');
    const path = scratch.path('cut.rtcstats');
    // Cut inside the line that holds the middle of the file: the last line has no line end and is not JSON.
    const middle = Math.floor(whole.length / 2);
    const cutAt = whole.indexOf('\n', middle) - 10;
    expect(cutAt).toBeGreaterThan(middle);
    await writeFile(path, whole.slice(0, cutAt));
    const result = await importDumpFile(path, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true });
    expect(result.report).toMatchObject({ truncated: true, truncation: 'line', unparseableLines: 0, exampleLines: [] });
    expect(result.samplesSent).toBeGreaterThan(10);
    const outcome = importOutcome(result, 'cut.rtcstats', 1);
    expect(outcome.exitCode).toBe(3);
    expect(outcome.details).toContain('the file is truncated (its last line is cut off): what came before the cut was imported');
    expect(outcome.details.join('\n')).not.toMatch(/unparseable|not JSON/i);
  });

  it('counts a bad last line as unparseable when the file ends with a line end (not a cut)', async () => {
    const path = scratch.path('bad-last.rtcstats');
    await writeFile(path, `${await readFile(SAFARI, 'utf8')}${(await readFile(SAFARI, 'utf8')).endsWith('\n') ? '' : '\n'}{not json\n`);
    const result = await importDumpFile(path, { url: 'http://127.0.0.1:9/unused', tenant: 't', dryRun: true });
    expect(result.report).toMatchObject({ truncated: false, unparseableLines: 1 });
  });

  it.each([
    ['cut-internals.json.gz', (whole: Buffer) => whole.subarray(0, Math.floor(whole.length * 0.8)), /^stopped: the file is truncated \(the gzip stream ends early\)/],
    ['cut-internals.json', (whole: Buffer) => gunzipSync(whole).subarray(0, Math.floor(gunzipSync(whole).length * 0.8)), /^stopped: the file is truncated \(it ends/],
  ])('stops on a truncated webrtc-internals export (%s) the same way, plain or .gz: exit 1, nothing "read"', async (name, cut, message) => {
    const path = scratch.path(name);
    await writeFile(path, cut(await readFile(INTERNALS_FIXTURE)));
    const server = await scratch.serve([accepted('stored')]);
    const error = await importDumpFile(path, { url: server.url, tenant: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportAbortedError);
    const outcome = abortedOutcome(error as ImportAbortedError, name);
    expect(outcome.details[0]).toMatch(message);
    expect(outcome.details[0]).toMatch(/a webrtc-internals export cannot be read in part/);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.details).not.toContainEqual(expect.stringMatching(/everything in the dump was read|the file is empty/));
    expect(outcome.details.at(-1)).toBe('the dump itself could not be read: re-running stops the same way');
  });
});

it('takes a bare collector origin as its ingest URL', () => {
  expect(resolveIngestUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318/v1/reports');
  expect(resolveIngestUrl('http://127.0.0.1:4318/')).toBe('http://127.0.0.1:4318/v1/reports');
  expect(resolveIngestUrl('https://c.example/ingest/v1/reports')).toBe('https://c.example/ingest/v1/reports');
  expect(() => resolveIngestUrl('127.0.0.1:4318')).toThrow(/not an http\(s\) URL|not a URL/);
});
