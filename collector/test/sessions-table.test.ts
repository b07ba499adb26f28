import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkReport } from '../fault/sdk-reports.js';
import type { CollectorApp } from '../src/index.js';
import type { IngestRecord } from '../src/store/record.js';
import { appOn, removeDir, select, tempDataDir } from './fixtures.js';

let app: CollectorApp;
let dataDir: string;

const TENANT = 'acme-public-key';
const START = Date.UTC(2026, 10, 20, 9, 0, 0);

function record(seq: number, sessionId: string, batchSeq: number, last = false): IngestRecord {
  const batch = sdkReport({ tenant: TENANT, sessionId, batchSeq, last, startTs: START + batchSeq * 10_000, seed: batchSeq + 7 });
  return { seq, reports: [{ batch, receivedAt: START + batchSeq * 10_000 + 9_000 }] };
}

type SessionRow = Record<string, unknown>;

async function sessionRow(sessionId: string): Promise<SessionRow[]> {
  return select<SessionRow>(
    app,
    `SELECT *, toUnixTimestamp64Milli(first_seen) AS first_ms, toUnixTimestamp64Milli(last_seen) AS last_ms
     FROM sessions FINAL WHERE tenant = {t:String} AND session_id = {s:String}`,
    { t: TENANT, s: sessionId },
  );
}

async function rawRtt(sessionId: string): Promise<{ avg: number; worst: number }> {
  const [row] = await select<{ avg: number; worst: number }>(
    app,
    'SELECT avg(rtt_ms) AS avg, max(rtt_ms) AS worst FROM samples WHERE session_id = {s:String}',
    { s: sessionId },
  );
  return { avg: Number(row?.avg), worst: Number(row?.worst) };
}

const records = [record(10, 'summary', 0), record(11, 'summary', 1), record(12, 'summary', 2, true)];

beforeAll(async () => {
  dataDir = await tempDataDir();
  app = await appOn(dataDir);
  for (const r of records) await app.store.writeRecord(r);
});
afterAll(async () => {
  await app.close();
  await removeDir(dataDir);
});

describe('sessions table', () => {
  it('holds one summary row per session, replaced as the session progresses', async () => {
    const rows = await sessionRow('summary');
    expect(rows).toHaveLength(1);
    const row = rows[0] ?? {};
    expect(row).toMatchObject({
      call_id: 'call-summary',
      participant_id: 'p-summary',
      state: 'ended',
      end_reason: 'closed',
      browser: 'chrome',
      region: 'eu-west',
      pc_count: 1,
      pc_ids: ['pc-0'],
      sample_count: 15,
      batch_count: 3,
      event_count: 8,
    });
    expect(Number(row.version)).toBe(12);
    const rtt = await rawRtt('summary');
    expect(Number(row.rtt_ms_avg)).toBeCloseTo(rtt.avg, 6);
    expect(Number(row.rtt_ms_worst)).toBe(rtt.worst);
    expect(Number(row.rtt_ms_n)).toBe(15);
    const span = await select<{ first: number; last: number }>(
      app,
      `SELECT min(t) AS first, max(t) AS last FROM (
         SELECT toUnixTimestamp64Milli(ts) AS t FROM samples WHERE session_id = 'summary'
         UNION ALL SELECT toUnixTimestamp64Milli(ts) FROM events WHERE session_id = 'summary')`,
    );
    expect([Number(row.first_ms), Number(row.last_ms)]).toEqual([Number(span[0]?.first), Number(span[0]?.last)]);
    const versions = await select<{ n: number }>(app, `SELECT count() AS n FROM sessions WHERE session_id = 'summary'`);
    expect(Number(versions[0]?.n)).toBeGreaterThanOrEqual(1);
  });

  it('counts distinct peer connections, however many samples and events each sends (past 64 too)', async () => {
    const many = (seq: number, batchSeq: number): IngestRecord => {
      const base = record(seq, 'many-pcs', batchSeq);
      const [report] = base.reports;
      if (!report) throw new Error('no report');
      // 100 connections, each in every record with samples and events: ids repeat across records and within one.
      const samples = Array.from({ length: 200 }, (_, i) => ({ ...report.batch.samples[0]!, pc: `pc${i % 100}`, seq: i }));
      const events = Array.from({ length: 100 }, (_, i) => ({ type: 'pc.added' as const, pc: `pc${i}`, ts: START + batchSeq * 10_000 }));
      return { seq, reports: [{ ...report, batch: { ...report.batch, samples, events } }] };
    };
    for (const [seq, batchSeq] of [[20, 0], [21, 1], [22, 2]] as const) await app.store.writeRecord(many(seq, batchSeq));
    const [row] = await sessionRow('many-pcs');
    expect(Number(row?.pc_count)).toBe(100);
    expect((row?.pc_ids as string[]).length).toBe(100);
    expect(Number(row?.sample_count)).toBe(600);
  });

  it('does not count a replayed record twice', async () => {
    const before = await sessionRow('summary');
    await app.store.writeRecord(records[1] as IngestRecord);
    await app.store.writeRecord(records[2] as IngestRecord);
    expect(await sessionRow('summary')).toEqual(before);
    const [samples] = await select<{ n: number }>(app, `SELECT count() AS n FROM samples WHERE session_id = 'summary'`);
    expect(Number(samples?.n)).toBe(15);
  });

  it('counts every batch of a session that one record carries (an end-of-session burst), once', async () => {
    // Three batches of one session and one of another, accepted together: one ingest record.
    const burst: IngestRecord = {
      seq: 30,
      reports: [record(0, 'burst', 0), record(0, 'other', 0), record(0, 'burst', 1), record(0, 'burst', 2, true)].flatMap((r) => r.reports),
    };
    await app.store.writeRecord(burst);
    const expectBurst = async (): Promise<void> => {
      const [row] = await sessionRow('burst');
      expect(row).toMatchObject({ sample_count: 15, batch_count: 3, event_count: 8, state: 'ended', end_reason: 'closed' });
      expect(Number(row?.version)).toBe(30);
      const rtt = await rawRtt('burst');
      expect(Number(row?.rtt_ms_n)).toBe(15);
      expect(Number(row?.rtt_ms_avg)).toBeCloseTo(rtt.avg, 6);
      expect(Number(row?.rtt_ms_worst)).toBe(rtt.worst);
      expect((await sessionRow('other'))[0]).toMatchObject({ sample_count: 5, batch_count: 1 });
    };
    await expectBurst();
    // Replayed (a crash before the spool record was removed): nothing counts twice.
    await app.store.writeRecord(burst);
    await expectBurst();
  });

  it('continues a session from the stored row after a restart (nothing in memory)', async () => {
    await app.store.writeRecord(record(20, 'resumed', 0));
    await app.close();
    app = await appOn(dataDir);
    expect(app.store.cachedSessions).toBe(0);
    await app.store.writeRecord(record(21, 'resumed', 1));
    // And a replay of the first record after the restart changes nothing.
    await app.store.writeRecord(record(20, 'resumed', 0));
    const [row] = await sessionRow('resumed');
    expect(row).toMatchObject({ sample_count: 10, batch_count: 2, state: 'active', end_reason: '' });
    expect(Number(row?.version)).toBe(21);
    const rtt = await rawRtt('resumed');
    expect(Number(row?.rtt_ms_avg)).toBeCloseTo(rtt.avg, 6);
  });
});
