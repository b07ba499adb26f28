import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUARANTINE_DIR } from '../src/ingest/spool.js';
import { clickhouseCode, isRecordError } from '../src/ingest/record-error.js';
import type { CollectorApp } from '../src/index.js';
import { T0, appOn, countsFor, makeBatch, postBatch, removeDir, tempDataDir, waitFor } from './fixtures.js';

/**
 * The real engine refusing inserts for its own state, not the record's: a
 * table setting makes every insert into `samples` fail with TOO_MANY_PARTS
 * (252) while `SELECT 1` still answers, as a full disk (243) does. Acknowledged
 * reports must wait for the engine, never be moved aside.
 */
const SPOOL_CAP = 400_000;
let app: CollectorApp;
let dataDir: string;
let spoolDir: string;

beforeAll(async () => {
  dataDir = await tempDataDir();
  spoolDir = join(dataDir, 'spool');
  app = await appOn(dataDir, { ingest: { spoolDir, ackWaitMs: 0, spoolMaxBytes: SPOOL_CAP } });
});
afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

describe('spooled records while ClickHouse refuses inserts for its own state', () => {
  it('keeps them spooled through many failed attempts (no quarantine) and inserts them once the engine takes inserts again', async () => {
    expect((await postBatch(app, makeBatch({ sessionId: 'before-refusals' }))).statusCode).toBe(202);
    expect(await waitFor(async () => ((await countsFor(app, 'before-refusals')).samples ?? 0) > 0, 30_000)).toBe(true);

    await app.store.client.command({ query: 'ALTER TABLE samples MODIFY SETTING parts_to_throw_insert = 1' });
    try {
      // The classifier on the engine's real error: the insert fails for the table's state, not the rows.
      const direct = await app.store.client.command({ query: "INSERT INTO samples (tenant, session_id) VALUES ('x', 'probe')" }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(clickhouseCode(direct)).toBe(252);
      expect(isRecordError(direct)).toBe(false);

      expect((await postBatch(app, makeBatch({ sessionId: 'during-refusals' }))).statusCode).toBe(202);
      // Past the quarantine threshold (5 failed attempts, backoff from 100 ms): the writer must still hold the record.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(await countsFor(app, 'during-refusals')).toMatchObject({ samples: 0 });
      expect(existsSync(join(spoolDir, QUARANTINE_DIR)) ? readdirSync(join(spoolDir, QUARANTINE_DIR)) : []).toEqual([]);
    } finally {
      await app.store.client.command({ query: 'ALTER TABLE samples MODIFY SETTING parts_to_throw_insert = 3000' });
    }
    expect(await waitFor(async () => ((await countsFor(app, 'during-refusals')).samples ?? 0) > 0, 30_000)).toBe(true);
    const counts = await countsFor(app, 'during-refusals');
    expect(counts).toEqual(await countsFor(app, 'before-refusals'));
  });

  it('tells a record the engine cannot parse from the engine being unable to take it', async () => {
    const parse = await app.store.client
      .command({ query: "INSERT INTO samples (tenant, ts) VALUES ('x', 'not a time')" })
      .then(() => undefined, (error: unknown) => error);
    expect(parse).toBeDefined();
    expect(isRecordError(parse)).toBe(true);
    expect(isRecordError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }))).toBe(false);
  });

  it('counts a gzip-compressed report at its decompressed size against the spool cap, so the cap holds', async () => {
    await app.store.client.command({ query: 'ALTER TABLE samples MODIFY SETTING parts_to_throw_insert = 1' });
    try {
      const statuses: number[] = [];
      // Very compressible, as repetitive JSON is: 40 error events with the same long message.
      const events = Array.from({ length: 40 }, (_, k) => ({ ts: T0 + k, type: 'error' as const, stage: 'app', name: 'Error', message: 'x'.repeat(500) }));
      const send = (i: number) =>
        app.inject({
          method: 'POST',
          url: '/v1/reports?key=acme-public-key',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          payload: gzipSync(JSON.stringify(makeBatch({ sessionId: `gzip-${i}`, events }))),
        });
      // Waves of 40 at once, as many clients send: each in-flight report must count at its real size.
      for (let wave = 0; wave < 10 && !statuses.includes(503); wave++) {
        const answers = await Promise.all(Array.from({ length: 40 }, (_, k) => send(wave * 40 + k)));
        statuses.push(...answers.map((a) => a.statusCode));
      }
      expect(statuses).toContain(503);
      expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(10);
      const onDisk = readdirSync(spoolDir).filter((n) => n.endsWith('.rec')).reduce((sum, n) => sum + statSync(join(spoolDir, n)).size, 0);
      expect(onDisk).toBeLessThanOrEqual(SPOOL_CAP);
    } finally {
      await app.store.client.command({ query: 'ALTER TABLE samples MODIFY SETTING parts_to_throw_insert = 3000' });
    }
    expect(await waitFor(async () => readdirSync(spoolDir).filter((n) => n.endsWith('.rec')).length === 0, 30_000)).toBe(true);
  });
});
