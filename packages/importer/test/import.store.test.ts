import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, storeConfigFromEnv, type CollectorApp } from '@rtcpulse/collector';
import { importDumpFile, type ImportResult } from '../src/index.js';
import { SHARED_DUMPS } from './dump-files.js';

interface CountRow {
  pc_id: string;
  n: number | string;
  browser: string;
  os: string;
  sdk_version: string;
}

/** A tenant whose id is also its public ingest key. */
function tenant(id: string) {
  return { id, publicKeys: [{ key: id, origins: ['*'] }], serverKeys: [] };
}

describe('importing real dumps into the real collector', () => {
  let dataDir: string;
  let app: CollectorApp;
  let url: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-import-'));
    app = await buildApp({ store: storeConfigFromEnv({}, { dataDir }), security: { tenants: { tenants: [tenant('support'), tenant('again'), tenant('ticket')] } } });
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/v1/reports`;
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function samplesBySession(result: ImportResult): Promise<CountRow[]> {
    const rows = await app.store.client.query({
      query: `SELECT pc_id, count() AS n, any(browser) AS browser, any(os) AS os, any(sdk_version) AS sdk_version
              FROM samples WHERE tenant = {tenant:String} AND session_id = {session:String} GROUP BY pc_id ORDER BY pc_id`,
      query_params: { tenant: result.identity.tenant, session: result.identity.sessionId },
      format: 'JSONEachRow',
    });
    return rows.json<CountRow>();
  }

  it.each([
    ['firefox-standard-stats-sfu.rtcstats', 'firefox', 79],
    ['safari-standard-stats.rtcstats', 'safari', 82],
  ])('stores every sample of %s under the given identity, with the browser from the dump', async (name, browser, samples) => {
    const result = await importDumpFile(`${SHARED_DUMPS}${name}`, {
      url,
      tenant: 'support',
      callId: `call-${browser}`,
      participantId: 'customer-1',
      region: 'eu-west',
      batchSamples: 25,
    });
    expect(result.report.samples).toBe(samples);
    expect(result.batchesSent).toBeGreaterThan(1);
    const rows = await samplesBySession(result);
    expect(rows.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
      { pc_id: 'PC_0', n: samples, browser, os: 'macos', sdk_version: 'importer-0.1.0' },
    ]);
    const quality = await app.store.client.query({
      query: `SELECT count() AS n FROM samples WHERE session_id = {session:String} AND call_id = {call:String}
              AND participant_id = 'customer-1' AND region = 'eu-west' AND (rtt_ms IS NOT NULL OR audio_in_jitter_ms IS NOT NULL)`,
      query_params: { session: result.identity.sessionId, call: `call-${browser}` },
      format: 'JSONEachRow',
    });
    expect(Number((await quality.json<{ n: number | string }>())[0]?.n)).toBeGreaterThan(samples / 2);
    const events = await app.store.client.query({
      query: `SELECT type, count() AS n FROM events WHERE session_id = {session:String} GROUP BY type`,
      query_params: { session: result.identity.sessionId },
      format: 'JSONEachRow',
    });
    const byType = Object.fromEntries((await events.json<{ type: string; n: number | string }>()).map((e) => [e.type, Number(e.n)]));
    expect(byType).toMatchObject({ 'session.start': 1, 'session.end': 1 });
    expect(byType['connection.state'] ?? byType['ice.connection.state']).toBeGreaterThan(0);
  });

  it('stores two different dumps imported under one named session side by side, and each again only once', async () => {
    // Both sides of one ticket under `--session ticket-4711`: numbered from 0, the second dump's first batches had the
    // first's numbers and were dropped as duplicates (300 of 410 samples lost, exit 0).
    const options = { url, tenant: 'ticket', sessionId: 'ticket-4711', batchSamples: 20 };
    const firefox = await importDumpFile(`${SHARED_DUMPS}firefox-standard-stats-sfu.rtcstats`, options);
    const safari = await importDumpFile(`${SHARED_DUMPS}safari-standard-stats.rtcstats`, options);
    expect(firefox.batchesDuplicate).toBe(0);
    expect(safari.batchesDuplicate).toBe(0);
    const again = await importDumpFile(`${SHARED_DUMPS}safari-standard-stats.rtcstats`, options);
    expect(again.batchesDuplicate).toBe(again.batchesSent);
    const rows = await app.store.client.query({
      query: `SELECT count() AS n FROM samples WHERE tenant = 'ticket' AND session_id = 'ticket-4711'`,
      format: 'JSONEachRow',
    });
    expect(Number((await rows.json<{ n: number | string }>())[0]?.n)).toBe(79 + 82);
  });

  it('stores a re-imported file once (same session, same batch numbers), under any name, plain or gzip', async () => {
    const file = `${SHARED_DUMPS}firefox-standard-stats-sfu.rtcstats`;
    // The copy a customer re-sends: renamed and gzipped (the session id is a digest of the content).
    const copyDir = await mkdtemp(join(tmpdir(), 'rtcpulse-import-copy-'));
    const copy = join(copyDir, 'dump (1).rtcstats.gz');
    await writeFile(copy, gzipSync(await readFile(file)));
    const first = await importDumpFile(file, { url, tenant: 'again', batchSamples: 30 });
    const second = await importDumpFile(file, { url, tenant: 'again', batchSamples: 30 });
    const third = await importDumpFile(copy, { url, tenant: 'again', batchSamples: 30 }).finally(() => rm(copyDir, { recursive: true, force: true }));
    expect(second.identity.sessionId).toBe(first.identity.sessionId);
    expect(third.identity.sessionId).toBe(first.identity.sessionId);
    // The collector answers `durable: duplicate` for every batch it already holds, and the importer says so.
    expect(first.batchesDuplicate).toBe(0);
    expect(second.batchesDuplicate).toBe(second.batchesSent);
    expect(third.batchesDuplicate).toBe(third.batchesSent);
    expect((await samplesBySession(second)).map((r) => Number(r.n))).toEqual([79]);
    const sessions = await app.store.client.query({
      query: `SELECT uniqExact(session_id) AS n FROM samples WHERE tenant = 'again'`,
      format: 'JSONEachRow',
    });
    expect(Number((await sessions.json<{ n: number | string }>())[0]?.n)).toBe(1);
  });
});
