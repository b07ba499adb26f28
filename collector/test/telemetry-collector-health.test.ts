import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { appOn, makeBatch, postBatch, removeDir, scrapeMetrics, tempDataDir } from './fixtures.js';
import { parsePrometheus, type ScrapedFamily } from './server-fixtures.js';

/**
 * The collector's own health on `/metrics`: every answer to
 * `POST /v1/reports` counted by outcome, and the spool's gauges (how full
 * it is against its cap, files set aside for an operator, ClickHouse up).
 */

let app: CollectorApp;
let dataDir: string;
let spoolMaxBytes: number;

beforeAll(async () => {
  dataDir = await tempDataDir();
  const spoolDir = join(dataDir, 'spool');
  // A file left in the spool that is not a record: moved to damaged/ at start, and counted.
  await mkdir(spoolDir, { recursive: true });
  await writeFile(join(spoolDir, 'left-by-hand.rec'), 'not a record');
  spoolMaxBytes = 4 * JSON.stringify(makeBatch()).length;
  app = await appOn(dataDir, { ingest: { spoolDir, spoolMaxBytes } });
});
afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

async function scrape(): Promise<Map<string, ScrapedFamily>> {
  const response = await scrapeMetrics(app);
  expect(response.statusCode).toBe(200);
  return parsePrometheus(response.body);
}

function value(families: Map<string, ScrapedFamily>, family: string, labels: Record<string, string> = {}): number | undefined {
  const found = families.get(family)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value;
}

describe('the collector on /metrics', () => {
  it('counts every answer to POST /v1/reports by outcome', async () => {
    const batch = makeBatch({ sessionId: 'health-1' });
    expect((await postBatch(app, batch)).statusCode).toBe(202);
    expect((await postBatch(app, batch)).statusCode).toBe(202);
    expect((await postBatch(app, { ...batch, v: 99 })).statusCode).toBe(400);
    expect((await postBatch(app, { ...batch, tenant: 'no-such-key' })).statusCode).toBe(401);
    // More than the spool may hold: shed with 503 before anything is kept.
    const big = makeBatch({ sessionId: 'health-big', samples: Array.from({ length: 6 }, () => makeBatch().samples).flat() });
    const shed = await postBatch(app, big);
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBeDefined();

    const families = await scrape();
    const family = families.get('rtcpulse_collector_reports_total');
    expect(family?.type).toBe('counter');
    const byOutcome = Object.fromEntries((family?.samples ?? []).map((s) => [s.labels.outcome, s.value]));
    expect(byOutcome).toEqual({ stored: 1, duplicate: 1, invalid: 1, unauthorized: 1, spool_full: 1 });
  });

  it('publishes the spool against its cap, the files set aside, and whether ClickHouse takes inserts', async () => {
    const families = await scrape();
    expect(value(families, 'rtcpulse_collector_spool_limit')).toBe(spoolMaxBytes);
    expect(value(families, 'rtcpulse_collector_spool_usage')).toBe(0);
    expect(value(families, 'rtcpulse_collector_spool_records')).toBe(0);
    expect(value(families, 'rtcpulse_collector_spool_set_aside')).toBe(1);
    expect(value(families, 'rtcpulse_collector_clickhouse_up')).toBe(1);
    expect(families.get('rtcpulse_collector_spool_usage')?.type).toBe('gauge');
    // Moved out by an operator: the gauge (and the alert on it) clears without a restart.
    await rename(join(dataDir, 'spool', 'damaged', 'left-by-hand.rec'), join(dataDir, 'kept-for-the-incident.rec'));
    expect(value(await scrape(), 'rtcpulse_collector_spool_set_aside')).toBe(0);
  });
});
