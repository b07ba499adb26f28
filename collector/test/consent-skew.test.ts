import type { ReportBatch } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { T0, TEST_TENANTS, appOn, appPerFile, makeBatch, postBatch, select } from './fixtures.js';

/**
 * Consent state, sampling rate and client clock skew reach the store:
 * every batch row keeps what its batch carried and the skew the collector
 * measured; the session row keeps the consent of the newest batch (by
 * `batchSeq`) and the latest sampling rate, across a restart too.
 */

let app: CollectorApp;

/** The collector's clock during these tests: a minute ahead of what the client stamps. */
const COLLECTOR_NOW = T0 + 100_000;
const CLIENT_SENT_AT = T0 + 40_000;

const reopen = appPerFile(
  (dir) => appOn(dir, { security: { tenants: TEST_TENANTS, now: () => COLLECTOR_NOW } }),
  (opened) => (app = opened),
);

async function post(overrides: Partial<ReportBatch>): Promise<void> {
  const response = await postBatch(app, makeBatch({ sentAt: CLIENT_SENT_AT, ...overrides }));
  expect(response.statusCode, response.body).toBe(202);
}

async function session(sessionId: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await select<Record<string, unknown>>(
    app,
    'SELECT consent, sample_rate, batch_count FROM sessions FINAL WHERE session_id = {s:String}',
    { s: sessionId },
  );
  return row;
}


describe('consent, sampling rate and clock skew', () => {
  it('stores them on every batch row', async () => {
    await post({ sessionId: 'c-batches', batchSeq: 0, consent: 'granted', sampleRate: 0.25 });
    await post({ sessionId: 'c-batches', batchSeq: 1 });
    const rows = await select<Record<string, unknown>>(
      app,
      "SELECT batch_seq, consent, sample_rate, clock_skew_ms FROM batches WHERE session_id = 'c-batches' ORDER BY batch_seq",
    );
    // Int64 arrives as a string from a ClickHouse server, as a number from the embedded one.
    expect(rows.map((r) => ({ ...r, clock_skew_ms: Number(r.clock_skew_ms) }))).toEqual([
      { batch_seq: 0, consent: 'granted', sample_rate: 0.25, clock_skew_ms: 60_000 },
      { batch_seq: 1, consent: '', sample_rate: null, clock_skew_ms: 60_000 },
    ]);
  });

  it('stores a batch whose sentAt disagrees with its own timestamps as sent, with the skew it measured', async () => {
    // sentAt 0 while the samples carry real times: shifting them by the
    // measured skew would have stored them ~56 years ahead.
    await post({ sessionId: 'c-zero-sent', batchSeq: 0, sentAt: 0 });
    const [batch] = await select<Record<string, unknown>>(app, "SELECT clock_skew_ms FROM batches WHERE session_id = 'c-zero-sent'");
    expect(Number(batch?.clock_skew_ms)).toBe(COLLECTOR_NOW);
    const [range] = await select<{ first: number; last: number }>(
      app,
      "SELECT toUnixTimestamp64Milli(min(ts)) AS first, toUnixTimestamp64Milli(max(ts)) AS last FROM samples WHERE session_id = 'c-zero-sent'",
    );
    const sent = makeBatch().samples.map((s) => s.ts);
    expect([Number(range?.first), Number(range?.last)]).toEqual([Math.min(...sent), Math.max(...sent)]);
  });

  it('keeps the session at unknown consent and no rate until the SDK sends them, then the latest', async () => {
    await post({ sessionId: 'c-session', batchSeq: 0 });
    expect(await session('c-session')).toEqual({ consent: 'unknown', sample_rate: null, batch_count: 1 });
    await post({ sessionId: 'c-session', batchSeq: 1, consent: 'granted', sampleRate: 0.5 });
    await post({ sessionId: 'c-session', batchSeq: 2 });
    expect(await session('c-session')).toEqual({ consent: 'granted', sample_rate: 0.5, batch_count: 3 });
    await post({ sessionId: 'c-session', batchSeq: 3, consent: 'withdrawn', sampleRate: 1 });
    expect(await session('c-session')).toEqual({ consent: 'withdrawn', sample_rate: 1, batch_count: 4 });
  });

  it('never lets a late retry of an older batch undo a newer withdrawal, even after a restart', async () => {
    await post({ sessionId: 'c-late', batchSeq: 0, consent: 'granted' });
    await post({ sessionId: 'c-late', batchSeq: 2, consent: 'withdrawn' });
    await reopen();
    await post({ sessionId: 'c-late', batchSeq: 1, consent: 'granted' });
    expect(await session('c-late')).toMatchObject({ consent: 'withdrawn', batch_count: 3 });
    await post({ sessionId: 'c-late', batchSeq: 3, consent: 'granted' });
    expect(await session('c-late')).toMatchObject({ consent: 'granted', batch_count: 4 });
  });

  it('adds the columns to tables created before them, idempotently', async () => {
    for (const [table, column] of [['batches', 'consent'], ['batches', 'sample_rate'], ['batches', 'clock_skew_ms'], ['sessions', 'consent'], ['sessions', 'sample_rate']] as const) {
      await app.store.client.command({ query: `ALTER TABLE ${table} DROP COLUMN ${column}` });
    }
    await app.store.migrate();
    await app.store.migrate();
    const columns = await select<{ table: string; name: string; type: string }>(
      app,
      `SELECT table, name, type FROM system.columns
       WHERE database = currentDatabase() AND table IN ('batches', 'sessions') AND name IN ('consent', 'sample_rate', 'clock_skew_ms')
       ORDER BY table, name`,
    );
    expect(columns).toEqual([
      { table: 'batches', name: 'clock_skew_ms', type: 'Nullable(Int64)' },
      { table: 'batches', name: 'consent', type: 'LowCardinality(String)' },
      { table: 'batches', name: 'sample_rate', type: 'Nullable(Float64)' },
      { table: 'sessions', name: 'consent', type: 'LowCardinality(String)' },
      { table: 'sessions', name: 'sample_rate', type: 'Nullable(Float64)' },
    ]);
    await post({ sessionId: 'c-after', batchSeq: 0, consent: 'granted', sampleRate: 0.1 });
    expect(await session('c-after')).toEqual({ consent: 'granted', sample_rate: 0.1, batch_count: 1 });
  });
});
