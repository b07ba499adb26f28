import type { ReportEvent } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutageStore, type OutageStore } from '../fault/outage-store.js';
import type { CollectorApp } from '../src/index.js';
import { T0, appOn, makeBatch, postBatch, removeDir, select, tempDataDir, waitFor } from './fixtures.js';
import { parsePrometheus } from './server-fixtures.js';

/**
 * A report carrying audit events (join, consent) while ClickHouse is down:
 * the report goes to the spool, but its audit rows cannot be appended, so
 * it is not acknowledged; the SDK's retry once ClickHouse is back writes
 * them, once.
 */

let app: CollectorApp;
let dataDir: string;
let store: OutageStore | undefined;

const AUDIT: ReportEvent[] = [
  { ts: T0 - 500, type: 'audit', name: 'join', state: 'unknown' },
  { ts: T0 - 400, type: 'audit', name: 'recording.consent.granted', state: 'granted' },
];

beforeAll(async () => {
  dataDir = await tempDataDir();
  app = await appOn(dataDir, { ingest: { ackWaitMs: 300 }, openStore: (config) => (store = openOutageStore(config)) });
});
afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

const scrape = async () => parsePrometheus((await app.inject({ method: 'GET', url: '/metrics' })).body);
const gauge = (families: Awaited<ReturnType<typeof scrape>>, name: string): number | undefined => families.get(name)?.samples[0]?.value;

describe('audit events in a report sent while ClickHouse is down', () => {
  it('are not acknowledged until they are in the audit log, and are written once', async () => {
    const batch = makeBatch({ sessionId: 'audit-outage', events: AUDIT });
    await store?.takeDown();
    const during = await postBatch(app, batch);
    expect(during.statusCode, during.body).toBe(503);
    expect(during.headers['retry-after']).toBeDefined();
    expect(during.json<{ message: string }>().message).toMatch(/audit/);
    // Sent again while still down: the same answer.
    expect((await postBatch(app, { ...batch, sentAt: Date.now() })).statusCode).toBe(503);
    // The collector's own gauges show the outage: ClickHouse not taking inserts, the report waiting in the spool.
    expect(await waitFor(async () => gauge(await scrape(), 'rtcpulse_collector_clickhouse_up') === 0, 10_000)).toBe(true);
    const down = await scrape();
    expect(gauge(down, 'rtcpulse_collector_spool_records')).toBeGreaterThanOrEqual(1);
    expect(gauge(down, 'rtcpulse_collector_spool_usage')).toBeGreaterThan(1000);

    await store?.bringBack();
    const retry = await postBatch(app, { ...batch, sentAt: Date.now() });
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json()).toMatchObject({ durable: 'duplicate' });
    expect((await postBatch(app, { ...batch, sentAt: Date.now() })).statusCode).toBe(202);

    expect(await waitFor(async () => gauge(await scrape(), 'rtcpulse_collector_spool_records') === 0, 30_000)).toBe(true);
    expect(gauge(await scrape(), 'rtcpulse_collector_clickhouse_up')).toBe(1);
    const rows = await select<{ action: string }>(app, "SELECT action FROM audit_log WHERE session_id = 'audit-outage' ORDER BY seq");
    expect(rows.map((r) => r.action)).toEqual(['session.join', 'consent.granted']);
    // The report itself is stored once.
    const [batches] = await select<{ n: number }>(app, "SELECT count() AS n FROM batches WHERE session_id = 'audit-outage'");
    expect(Number(batches?.n)).toBe(1);
  });

  it('counts the refusals as audit_error and the report\'s metrics once', async () => {
    const families = parsePrometheus((await app.inject({ method: 'GET', url: '/metrics' })).body);
    const outcomes = Object.fromEntries((families.get('rtcpulse_collector_reports_total')?.samples ?? []).map((s) => [s.labels.outcome, s.value]));
    expect(outcomes).toEqual({ audit_error: 2, duplicate: 2 });
    const joins = families.get('webrtc_audit_events_total')?.samples.filter((s) => s.labels.audit_action === 'join');
    expect(joins?.map((s) => s.value)).toEqual([1]);
  });
});
