import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSpoolRequeue } from '../src/cli/spool-requeue.js';
import type { CollectorApp } from '../src/index.js';
import { encodeRecord, QUARANTINE_DIR, REQUEUED_DIR, Spool } from '../src/ingest/spool.js';
import type { IngestRecord } from '../src/store/record.js';
import { appOn, appPerFile, countsFor, makeBatch, postBatch, removeDir, select, waitFor } from './fixtures.js';

/**
 * A record ClickHouse keeps refusing for its data is moved to the
 * quarantine (after 5 attempts) so it cannot block the records behind it;
 * once the operator has fixed the cause, `npm run spool:requeue` moves it
 * back and the next start replays it exactly once. The refusal here is
 * real: a column of `events` altered to a type the rows cannot be parsed
 * as, so the record's samples go in and its events are refused.
 */
let app: CollectorApp;
let spoolDir: string;
const logged: string[] = [];
const reopen = appPerFile(
  (dir) => appOn(dir, { ingest: { spoolDir: join(dir, 'spool') }, logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } } }),
  (opened, dir) => {
    app = opened;
    spoolDir = join(dir, 'spool');
  },
);
const quarantined = (): string[] => readdirSync(join(spoolDir, QUARANTINE_DIR)).filter((n) => n.endsWith('.rec'));
const alterPcId = (type: string): Promise<unknown> =>
  app.store.client.command({ query: `ALTER TABLE events MODIFY COLUMN pc_id ${type}`, clickhouse_settings: { mutations_sync: '2' } });

describe('a record ClickHouse refuses for its data', () => {
  it('is answered 202, then moved to the quarantine with its reason logged, keeping what it carries', async () => {
    await alterPcId('UInt64');
    const response = await postBatch(app, makeBatch({ sessionId: 'refused-1' }));
    expect(response.statusCode).toBe(202);
    // The record is moved first, then the move is logged: wait for both (a busy machine can take a while between them).
    const logLine = () => logged.find((l) => l.includes('moved them to the quarantine'));
    expect(await waitFor(async () => quarantined().length === 1 && logLine() !== undefined, 60_000)).toBe(true);
    const line = logLine();
    expect(line).toContain('spool:requeue');
    // The samples insert went in before the events insert was refused; nothing else of it is stored yet.
    expect(await countsFor(app, 'refused-1')).toEqual({ samples: 10, events: 0, batches: 0 });
    expect(readdirSync(spoolDir).filter((n) => n.endsWith('.rec'))).toEqual([]);
  });

  it('goes back with spool:requeue once the cause is fixed, and the next start stores it exactly once, in its session\'s summary too', async () => {
    await alterPcId('String');
    // The session goes on meanwhile: its next batch is stored (a later record) before the refused one is requeued.
    expect((await postBatch(app, makeBatch({ sessionId: 'refused-1', batchSeq: 1 }))).statusCode).toBe(202);
    expect(await waitFor(async () => (await countsFor(app, 'refused-1')).batches === 1, 30_000)).toBe(true);
    const lines: string[] = [];
    let code: number | undefined;
    await reopen(async () => {
      code = await runSpoolRequeue(['--spool-dir', spoolDir], {}, { log: (l) => lines.push(l) });
    });
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe(`1 record(s) requeued in ${join(spoolDir, 'requeued')}; restart the collector to store them`);
    expect(await waitFor(async () => (await countsFor(app, 'refused-1')).batches === 2, 60_000)).toBe(true);
    // The samples the first attempt stored are not stored again: the replay carries the same deduplication token.
    expect(await countsFor(app, 'refused-1')).toEqual({ samples: 20, events: 12, batches: 2 });
    // Taken back under a new sequence number, so the session's summary (versioned by it) counts it as well.
    const [summary] = await select<{ batch_count: number | string; sample_count: number | string }>(
      app,
      "SELECT batch_count, sample_count FROM sessions FINAL WHERE session_id = 'refused-1'",
    );
    expect({ batches: Number(summary?.batch_count), samples: Number(summary?.sample_count) }).toEqual({ batches: 2, samples: 20 });
    expect(quarantined()).toEqual([]);
    expect(readdirSync(join(spoolDir, 'requeued'))).toEqual([]);
  });

  it('is named, with what is wrong, when the command finds no quarantine or cannot move a file', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'rtcpulse-requeue-'));
    try {
      await expect(runSpoolRequeue(['--spool-dir', elsewhere], {}, { log: () => undefined })).rejects.toThrow(
        `no quarantine in ${elsewhere}: pass the collector's spool with --spool-dir`,
      );
      await expect(runSpoolRequeue(['--spool'], {}, { log: () => undefined })).rejects.toThrow(/Unknown option '--spool'/);
      // A group of two records quarantined together, a record cut short, and a record whose name requeued/ already holds.
      const spool = new Spool(elsewhere, 1 << 20);
      await spool.open();
      const record = (seq: number): IngestRecord => ({ seq, reports: [{ batch: makeBatch({ sessionId: `s-${seq}` }), receivedAt: 0 }] });
      for (const seq of [3, 4]) await spool.append(record(seq));
      await spool.writeGroup({ seq: 4, seqs: [3, 4], tokenSeed: 'seed' });
      await spool.quarantine([3, 4], { seq: 4, seqs: [3, 4], tokenSeed: 'seed' });
      expect((await readdir(join(elsewhere, QUARANTINE_DIR))).sort()).toEqual(['00000000000000003.rec', '00000000000000004.grp', '00000000000000004.rec']);
      expect(spool.recordCount).toBe(0);
      await writeFile(join(elsewhere, QUARANTINE_DIR, '00000000000000005.rec'), encodeRecord(record(5)).subarray(0, 60));
      await mkdir(join(elsewhere, REQUEUED_DIR));
      await writeFile(join(elsewhere, REQUEUED_DIR, '00000000000000006.rec'), encodeRecord(record(6)));
      await writeFile(join(elsewhere, QUARANTINE_DIR, '00000000000000006.rec'), encodeRecord(record(6)));
      const lines: string[] = [];
      expect(await runSpoolRequeue([], { RTCPULSE_SPOOL_DIR: elsewhere }, { log: (l) => lines.push(l) })).toBe(1);
      expect(lines).toEqual([
        'requeued: 00000000000000003.rec',
        'requeued: 00000000000000004.rec',
        'requeued: 00000000000000004.grp',
        `left in ${QUARANTINE_DIR}/: 00000000000000005.rec (the record is cut short)`,
        `left in ${QUARANTINE_DIR}/: 00000000000000006.rec (a file of that name is already in ${REQUEUED_DIR}/)`,
        `2 record(s) requeued in ${join(elsewhere, REQUEUED_DIR)}; restart the collector to store them`,
      ]);
      // Until the next start they still count as set aside (nothing of them is in ClickHouse yet).
      const reopened = new Spool(elsewhere, 1 << 20);
      expect(reopened.setAsideFiles).toBe(5);
      // A start that stopped part-way: its plan written, the first record renamed, nothing else.
      await writeFile(join(elsewhere, REQUEUED_DIR, 'adopt.json'), JSON.stringify([[3, 100], [4, 101], [6, 102]]));
      await rename(join(elsewhere, REQUEUED_DIR, '00000000000000003.rec'), join(elsewhere, '00000000000000100.rec'));
      // And a file an operator put there by hand that is no record.
      await writeFile(join(elsewhere, REQUEUED_DIR, '00000000000000007.rec'), 'not a record');
      // The next start finishes that same plan (no new numbers), and re-forms the group whole with its token seed.
      expect((await reopened.open()).map((e) => e.seq)).toEqual([100]);
      expect((await reopened.adoptRequeued(() => { throw new Error('a new plan was made'); })).map((e) => e.seq)).toEqual([101, 102]);
      expect(await reopened.groups()).toEqual([{ seq: 101, seqs: [100, 101], tokenSeed: 'seed' }]);
      expect((await reopened.read(100)).seq).toBe(100);
      expect((await reopened.read(100)).reports[0]?.batch.sessionId).toBe('s-3');
      expect(readdirSync(join(elsewhere, REQUEUED_DIR))).toEqual(['00000000000000007.rec']);
      // Without a plan, a file that is no record is moved to damaged/ instead of stopping the start.
      const fresh = new Spool(elsewhere, 1 << 20);
      await fresh.open();
      expect(await fresh.adoptRequeued(() => 200)).toEqual([]);
      expect(fresh.setAside).toEqual([{ name: '00000000000000007.rec', reason: 'requeued, but no header line' }]);
      expect(existsSync(join(elsewhere, 'damaged', '00000000000000007.rec'))).toBe(true);
      expect(existsSync(join(elsewhere, QUARANTINE_DIR, '00000000000000005.rec'))).toBe(true);
    } finally {
      await removeDir(elsewhere);
    }
  });
});
