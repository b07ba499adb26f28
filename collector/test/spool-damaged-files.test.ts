import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAMAGED_DIR, encodeRecord } from '../src/ingest/spool.js';
import type { CollectorApp } from '../src/index.js';
import type { IngestRecord } from '../src/store/record.js';
import { appOn, countsFor, makeBatch, removeDir, tempDataDir, waitFor } from './fixtures.js';

/**
 * What an earlier run (or an operator) left in the spool directory, read by
 * a real collector at start: intact records replayed once, torn writes
 * (never acknowledged) deleted, and everything complete but unreadable, or
 * not a record at all, moved to `damaged/` and logged; nothing stops the start.
 */
let app: CollectorApp | undefined;
let dataDir: string;
let spoolDir: string;
const logged: string[] = [];

const record = (seq: number, sessionId: string): IngestRecord => ({
  seq,
  reports: [{ batch: makeBatch({ sessionId }), receivedAt: Date.now() }],
});
const name = (seq: number): string => `${String(seq).padStart(17, '0')}.rec`;

beforeAll(async () => {
  dataDir = await tempDataDir();
  spoolDir = join(dataDir, 'spool');
  await mkdir(spoolDir, { recursive: true });
  const intact = encodeRecord(record(1, 'intact-1'));
  await writeFile(join(spoolDir, name(1)), intact);
  await writeFile(join(spoolDir, name(2)), encodeRecord(record(2, 'intact-2')));
  // Torn: a body cut short, and an empty file (a crash while writing).
  await writeFile(join(spoolDir, name(3)), encodeRecord(record(3, 'torn')).subarray(0, intact.length - 100));
  await writeFile(join(spoolDir, name(4)), Buffer.alloc(0));
  // Complete but damaged: one flipped bit in the body, a foreign header, a valid file without reports.
  const flipped = encodeRecord(record(5, 'flipped'));
  flipped[flipped.length - 20] = (flipped[flipped.length - 20] as number) ^ 0x01;
  await writeFile(join(spoolDir, name(5)), flipped);
  await writeFile(join(spoolDir, name(6)), 'SOMETHING ELSE 1 2 3\n{}');
  await writeFile(join(spoolDir, name(7)), encodeRecord({ seq: 7 } as unknown as IngestRecord));
  // Not records at all: a backup copy under another name, a directory, a manifest holding null.
  await writeFile(join(spoolDir, 'backup-of-old.rec'), intact);
  await mkdir(join(spoolDir, 'old-records.rec'));
  await writeFile(join(spoolDir, `${String(9).padStart(17, '0')}.grp`), 'null');
  app = await appOn(dataDir, {
    ingest: { spoolDir },
    logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } },
  });
});
afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

describe('the spool at start, with damaged and unexpected files in it', () => {
  it('starts, and replays the intact records exactly once', async () => {
    const current = app as CollectorApp;
    expect(await waitFor(async () => ((await countsFor(current, 'intact-2')).batches ?? 0) > 0, 30_000)).toBe(true);
    expect(await countsFor(current, 'intact-1')).toEqual({ samples: 10, events: 6, batches: 1 });
    expect(await countsFor(current, 'intact-2')).toEqual({ samples: 10, events: 6, batches: 1 });
  });

  it('deletes torn writes and moves every complete but unreadable file aside, naming each with its reason', () => {
    expect(readdirSync(spoolDir).filter((n) => n.endsWith('.rec'))).toEqual([]);
    expect(readdirSync(join(spoolDir, DAMAGED_DIR)).sort()).toEqual([name(5), name(6), name(7), 'backup-of-old.rec', 'old-records.rec'].sort());
    expect(existsSync(join(spoolDir, DAMAGED_DIR, name(3)))).toBe(false);
    const reasons = logged.filter((line) => line.includes('moved aside for an operator')).map((line) => JSON.parse(line) as { file: string; reason: string });
    expect(new Map(reasons.map((r) => [r.file, r.reason]))).toEqual(
      new Map([
        [name(5), 'checksum mismatch'],
        [name(6), 'not a spool record (unknown header)'],
        [name(7), 'body is not a record (no seq or reports)'],
        ['backup-of-old.rec', 'not named like a spool record'],
        ['old-records.rec', 'not a regular file'],
      ]),
    );
  });

  it('makes the spool directory again when it was removed while running, and keeps accepting', async () => {
    const current = app as CollectorApp;
    await rm(spoolDir, { recursive: true, force: true });
    const response = await current.inject({
      method: 'POST',
      url: '/v1/reports?key=acme-public-key',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(makeBatch({ sessionId: 'after-rm' })),
    });
    expect(response.statusCode).toBe(202);
    expect(await waitFor(async () => ((await countsFor(current, 'after-rm')).batches ?? 0) > 0, 30_000)).toBe(true);
    expect(existsSync(join(spoolDir, 'quarantine'))).toBe(true);
  });
});
