import type { ReportEvent } from '@rtcpulse/schema';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openOutageStore, type OutageStore } from '../fault/outage-store.js';
import { PENDING_AUDIT_DIR } from '../src/audit/pending.js';
import type { CollectorApp } from '../src/index.js';
import { appOn, appPerFile, makeBatch, postBatch, scrapeMetrics, select, T0, waitFor } from './fixtures.js';
import { parsePrometheus } from './server-fixtures.js';

/**
 * A report carrying audit events (join, consent) while ClickHouse is down:
 * the report goes to the spool and its audit records wait on disk; both are
 * written once ClickHouse is back, also across a restart, and the audit
 * rows only once however often the SDK sent the report.
 */

let app: CollectorApp;
let dataDir: string;
let store: OutageStore | undefined;

const AUDIT: ReportEvent[] = [
  { ts: T0 - 500, type: 'audit', name: 'join', state: 'unknown' },
  { ts: T0 - 400, type: 'audit', name: 'recording.consent.granted', state: 'granted' },
];

const reopen = appPerFile(
  (dir) => appOn(dir, { ingest: { ackWaitMs: 300, spoolDir: join(dir, 'spool') }, openStore: (config) => (store = openOutageStore(config)) }),
  (opened, dir) => {
    app = opened;
    dataDir = dir;
  },
);

const scrape = async () => parsePrometheus((await scrapeMetrics(app)).body);
const gauge = (families: Awaited<ReturnType<typeof scrape>>, name: string): number | undefined => families.get(name)?.samples[0]?.value;
const actions = async (session: string) =>
  (await select<{ action: string }>(app, `SELECT action FROM audit_log WHERE session_id = '${session}' ORDER BY seq`)).map((r) => r.action);
const pendingFiles = async () => (await readdir(join(dataDir, 'spool', PENDING_AUDIT_DIR))).filter((n) => n.endsWith('.json')).length;

describe('audit events in a report sent while ClickHouse is down', () => {
  it('are kept on disk with the report (202), and appended once ClickHouse is back, once', async () => {
    const batch = makeBatch({ sessionId: 'audit-outage', events: AUDIT });
    await store?.takeDown();
    const during = await postBatch(app, batch);
    expect(during.statusCode, during.body).toBe(202);
    expect(during.json()).toMatchObject({ durable: 'spooled' });
    // Sent again while still down (an SDK retry after a lost answer): kept again, written once later.
    expect((await postBatch(app, { ...batch, sentAt: Date.now() })).statusCode).toBe(202);
    expect(await pendingFiles()).toBe(2);
    // On disk neither the request's IP address nor the participant id: only their HMACs, as the audit log stores them.
    const dir = join(dataDir, 'spool', PENDING_AUDIT_DIR);
    for (const name of await readdir(dir)) {
      const text = await readFile(join(dir, name), 'utf8');
      expect(text).toContain('"ipKey"');
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain(`"${batch.participantId}"`);
    }
    // The collector's own gauges show the outage: ClickHouse not taking inserts, the report waiting in the spool.
    expect(await waitFor(async () => gauge(await scrape(), 'rtcpulse_collector_clickhouse_up') === 0, 10_000)).toBe(true);
    const down = await scrape();
    expect(gauge(down, 'rtcpulse_collector_spool_records')).toBeGreaterThanOrEqual(1);
    expect(gauge(down, 'rtcpulse_collector_spool_usage')).toBeGreaterThan(1000);

    await store?.bringBack();
    expect(await waitFor(async () => (await actions('audit-outage')).length >= 2 && (await pendingFiles()) === 0, 60_000)).toBe(true);
    expect(await actions('audit-outage')).toEqual(['session.join', 'consent.granted']);
    // The rows name the actor and the source (no Origin header: the request's address) as a report appended at once does.
    expect((await postBatch(app, makeBatch({ sessionId: 'audit-no-outage', events: AUDIT }))).statusCode).toBe(202);
    const who = (session: string) => select<{ actor: string; source: string }>(app, `SELECT actor, source FROM audit_log WHERE session_id = '${session}' ORDER BY seq`);
    const kept = await who('audit-outage');
    expect(kept[0]?.source).toMatch(/^ip:[0-9a-f]{32}$/);
    expect(kept[0]?.actor).toMatch(/^[0-9a-f]{64}$/);
    expect(kept).toEqual(await who('audit-no-outage'));
    expect(await waitFor(async () => gauge(await scrape(), 'rtcpulse_collector_spool_records') === 0, 30_000)).toBe(true);
    expect(gauge(await scrape(), 'rtcpulse_collector_clickhouse_up')).toBe(1);
    const [batches] = await select<{ n: number }>(app, "SELECT count() AS n FROM batches WHERE session_id = 'audit-outage'");
    expect(Number(batches?.n)).toBe(1);
  });

  it('are appended after a restart when the collector stopped before ClickHouse came back', async () => {
    await store?.takeDown();
    const response = await postBatch(app, makeBatch({ sessionId: 'audit-restart', events: AUDIT }));
    expect(response.statusCode, response.body).toBe(202);
    expect(await pendingFiles()).toBe(1);
    await reopen();
    expect(await waitFor(async () => (await actions('audit-restart')).length >= 2, 30_000)).toBe(true);
    expect(await actions('audit-restart')).toEqual(['session.join', 'consent.granted']);
    expect(await pendingFiles()).toBe(0);
  });

  it('answers 503 (audit_error) only when the records can be neither appended nor kept', async () => {
    const pending = join(dataDir, 'spool', PENDING_AUDIT_DIR);
    await rm(pending, { recursive: true });
    await writeFile(pending, 'not a directory');
    await store?.takeDown();
    const response = await postBatch(app, makeBatch({ sessionId: 'audit-nowhere', events: AUDIT }));
    expect(response.statusCode, response.body).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    const outcomes = (await scrape()).get('rtcpulse_collector_reports_total')?.samples ?? [];
    expect(outcomes.find((s) => s.labels.outcome === 'audit_error')?.value).toBe(1);
    await rm(pending);
    await store?.bringBack();
  });
});
