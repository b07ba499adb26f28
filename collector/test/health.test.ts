import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { appOn, makeBatch, removeDir, tempDataDir } from './fixtures.js';

let app: CollectorApp;
let dataDir: string;
const warnings: string[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir();
  app = await appOn(dataDir, { ingest: { drainTimeoutMs: 200 }, logger: { level: 'warn', stream: { write: (line: string) => void warnings.push(line) } } });
});
afterAll(async () => {
  await app.close();
  await removeDir(dataDir);
});

describe('health', () => {
  it('GET /healthz answers while the process is up', async () => {
    const response = await app.inject({ url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 once migrated and ClickHouse answers', async () => {
    const response = await app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('unknown routes get the error shape', async () => {
    const response = await app.inject({ url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'Not Found', message: 'GET /nope is not a route' });
  });

  it('when the store is gone: /readyz 503, /healthz 200, ingest still durable in the spool', async () => {
    await app.store.close();
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'unavailable' });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);

    const ingest = await app.inject({ method: 'POST', url: '/v1/reports?key=acme-public-key', payload: makeBatch() });
    expect(ingest.statusCode).toBe(202);
    expect(ingest.json()).toEqual({ accepted: { samples: 10, events: 6 }, durable: 'spooled' });
    expect(app.ingest.stats()).toMatchObject({ spoolRecords: 1, clickhouseHealthy: false });
  });

  it('closing with acknowledged records still in the spool says so, and where they are', async () => {
    warnings.length = 0;
    const { dir } = app.ingest.spool;
    await app.close();
    const line = JSON.parse(warnings.find((l) => l.includes('still in the spool')) ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ spoolRecords: 1, spool: dir });
    expect(line.msg).toBe('closed with acknowledged records still in the spool: the next start on this spool directory inserts them; keep the directory until then');
  });
});
