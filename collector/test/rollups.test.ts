import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkReport } from '../fault/sdk-reports.js';
import type { CollectorApp } from '../src/index.js';
import { type AcceptedReport } from '../src/store/record.js';
import { readPercentiles } from '../src/store/rollup-query.js';
import { CONNECTION_ROLLUP, STREAM_ROLLUP } from '../src/store/rollups.js';
import { appOn, removeDir, select, tempDataDir } from './fixtures.js';

let app: CollectorApp;
let dataDir: string;

const TENANT = 'acme-public-key';
const START = Date.UTC(2026, 10, 20, 12, 0, 0);
const FROM = START - 60_000;
const TO = START + 10 * 60_000;
const REGIONS = ['eu-west', 'us-east'];
const LEVELS = [0.5, 0.95, 0.99];

/** 80 sessions x 6 reports x 5 samples over three minutes, written as 8 records (so as several parts). */
async function seed(): Promise<void> {
  const reports: AcceptedReport[] = [];
  for (let s = 0; s < 80; s++) {
    for (let b = 0; b < 6; b++) {
      const batch = sdkReport({
        tenant: s % 10 === 9 ? 'tenant-b' : TENANT,
        sessionId: `rollup-${s}`,
        batchSeq: b,
        startTs: START + b * 30_000 + s * 7,
        seed: s * 100 + b,
        region: REGIONS[s % 2],
        browser: s % 3 === 0 ? 'firefox' : 'chrome',
      });
      reports.push({ batch, receivedAt: START + b * 30_000 + 15_000 });
    }
  }
  const perRecord = reports.length / 8;
  for (let r = 0; r < 8; r++) {
    await app.store.writeRecord({ seq: r + 1, reports: reports.slice(r * perRecord, (r + 1) * perRecord) });
  }
}

type Exact = { region: string; q: number[] };

/** Exact quantiles from the raw table, as the truth the rollups approximate. */
function exact(expression: string, from = 'samples'): Promise<Exact[]> {
  return select<Exact>(
    app,
    `SELECT region, quantilesExactInclusive(${LEVELS.join(', ')})(${expression}) AS q FROM ${from}
     WHERE tenant = {tenant:String} GROUP BY region ORDER BY region`,
    { tenant: TENANT },
  );
}

/** Within t-digest's error: a small share of the value range. */
function expectClose(actual: readonly number[], truth: readonly number[], range: number): void {
  expect(actual).toHaveLength(truth.length);
  actual.forEach((value, i) => expect(Math.abs(value - (truth[i] ?? NaN))).toBeLessThanOrEqual(range * 0.03));
}

async function checkAgainstRaw(): Promise<void> {
  const rtt = await readPercentiles(app.store.client, { tenant: TENANT, metric: 'webrtc.connection.rtt', from: FROM, to: TO, by: ['region'] });
  const rttTruth = await exact('rtt_ms');
  expect(rtt.map((r) => r.dimensions.region)).toEqual(REGIONS);
  rtt.forEach((row, i) => expectClose(row.values, rttTruth[i]?.q ?? [], 1000));

  const loss = await readPercentiles(app.store.client, {
    tenant: TENANT,
    metric: 'webrtc.stream.packet_loss',
    from: FROM,
    to: TO,
    by: ['region'],
    where: { media_kind: 'audio', direction: 'inbound' },
  });
  const lossTruth = await exact('audio_in_packet_loss_pct');
  loss.forEach((row, i) => expectClose(row.values, lossTruth[i]?.q ?? [], 100));

  // All four streams pooled, as the rollup pools them without a media filter.
  const jitter = await readPercentiles(app.store.client, { tenant: TENANT, metric: 'webrtc.stream.jitter', from: FROM, to: TO, by: ['region'] });
  const pooled = await exact(
    'v',
    `(SELECT tenant, region, arrayJoin([audio_in_jitter_ms, audio_out_jitter_ms, video_in_jitter_ms, video_out_jitter_ms]) AS v FROM samples)`,
  );
  jitter.forEach((row, i) => expectClose(row.values, pooled[i]?.q ?? [], 200));
}

beforeAll(async () => {
  dataDir = await tempDataDir();
  app = await appOn(dataDir);
  await seed();
});
afterAll(async () => {
  await app.close();
  await removeDir(dataDir);
});

describe('rollups', () => {
  it('give the raw-table percentiles per group, within t-digest tolerance', async () => {
    await checkAgainstRaw();
  });

  it('still do after the rollup parts are merged', async () => {
    await app.store.client.command({ query: `OPTIMIZE TABLE ${CONNECTION_ROLLUP} FINAL` });
    await app.store.client.command({ query: `OPTIMIZE TABLE ${STREAM_ROLLUP} FINAL` });
    await checkAgainstRaw();
  });

  it('count every sample once per minute bucket, and stay within the tenant', async () => {
    const perMinute = await readPercentiles(app.store.client, {
      tenant: TENANT,
      metric: 'webrtc.connection.rtt',
      from: FROM,
      to: TO,
      stepSeconds: 60,
    });
    const raw = await select<{ t: number | string; n: number | string }>(
      app,
      `SELECT toUnixTimestamp(toStartOfMinute(ts)) * 1000 AS t, count() AS n FROM samples
       WHERE tenant = {tenant:String} GROUP BY t ORDER BY t`,
      { tenant: TENANT },
    );
    expect(perMinute.map((r) => [r.time, r.samples])).toEqual(raw.map((r) => [Number(r.t), Number(r.n)]));
    const other = await readPercentiles(app.store.client, { tenant: 'nobody', metric: 'webrtc.connection.rtt', from: FROM, to: TO });
    expect(other).toEqual([]);
  });

  it('keep one row group per media kind and direction', async () => {
    const rows = await readPercentiles(app.store.client, {
      tenant: TENANT,
      metric: 'webrtc.stream.bitrate',
      from: FROM,
      to: TO,
      by: ['media_kind', 'direction'],
    });
    expect(rows.map((r) => `${r.dimensions.media_kind}/${r.dimensions.direction}`)).toEqual([
      'audio/inbound',
      'audio/outbound',
      'video/inbound',
      'video/outbound',
    ]);
    const [{ n } = { n: 0 }] = await select<{ n: number }>(app, 'SELECT count() AS n FROM samples WHERE tenant = {t:String}', { t: TENANT });
    for (const row of rows) expect(row.samples).toBe(Number(n));
  });

  it('refuse metrics that are not rolled up, and dimensions a rollup lacks', async () => {
    await expect(readPercentiles(app.store.client, { tenant: TENANT, metric: 'webrtc.transport.sent', from: FROM, to: TO })).rejects.toThrow(
      /not a rolled-up metric/,
    );
    await expect(
      readPercentiles(app.store.client, { tenant: TENANT, metric: 'webrtc.connection.rtt', from: FROM, to: TO, by: ['media_kind'] }),
    ).rejects.toThrow(/not a dimension/);
  });
});
