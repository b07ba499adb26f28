import { METRICS, prometheusLabelName, prometheusNames, type MetricDefinition } from '@rtcpulse/schema';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { serverEventsConfig } from '../src/server-events/config.js';
import { createTelemetry } from '../src/telemetry/telemetry.js';
import { RegistryAggregates } from '../src/telemetry/aggregation.js';
import { appOn, makeBatch, postBatch, removeDir, scrapeMetrics, tempDataDir } from './fixtures.js';
import {
  SERVER_KEYS,
  TEST_PRICING,
  nodeReport,
  parsePrometheus,
  postServer,
  recordingEvent,
  sfuReport,
  turnReport,
  type ScrapedFamily,
} from './server-fixtures.js';
import { metricsFedBy } from './telemetry-fixtures.js';

const registry: readonly MetricDefinition[] = METRICS;
let app: CollectorApp;
let dataDir: string;
let families: Map<string, ScrapedFamily>;
const fed = new Set<string>();

beforeAll(async () => {
  dataDir = await tempDataDir();
  app = await appOn(dataDir, {
    serverEvents: serverEventsConfig(SERVER_KEYS, TEST_PRICING),
    telemetry: { serviceName: 'rtcpulse-test', cardinalityLimit: 2000 },
  });
  const batch = makeBatch({ sessionId: 'prom-1' });
  expect((await postBatch(app, batch)).statusCode).toBe(202);
  // The SDK's retry of the same report is acknowledged again but counted once (the counts below).
  const retry = await postBatch(app, batch);
  expect(retry.statusCode).toBe(202);
  expect(retry.json()).toMatchObject({ durable: 'duplicate' });
  for (const name of metricsFedBy(batch)) fed.add(name);
  const server: [string, unknown][] = [
    ['sfu', sfuReport()],
    ['turn', turnReport()],
    ['node', nodeReport()],
    ['recordings', recordingEvent({ state: 'finished', durationMs: 600_000, bytes: 1e9 })],
  ];
  for (const [path, body] of server) expect((await postServer(app, path, body)).statusCode).toBe(202);
  for (const m of registry) if (m.scope === 'server') fed.add(m.name);
  // A refused report feeds nothing.
  expect((await postBatch(app, { ...batch, sessionId: 'prom-bad', v: 99 })).statusCode).toBe(400);
  const response = await scrapeMetrics(app);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  families = parsePrometheus(response.body);
});
afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

const TYPES = { histogram: 'histogram', counter: 'counter', gauge: 'gauge' } as const;
const SCOPE_LABELS = new Set(['otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url', 'le', 'otel_metric_overflow']);

describe('GET /metrics compressed', () => {
  it('answers gzip when Prometheus asks for it, with the same page', async () => {
    const plain = await scrapeMetrics(app);
    const zipped = await app.inject({ method: 'GET', url: '/metrics', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(plain.body);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });
});

describe('GET /metrics after client and server reports', () => {
  it('exposes every registry metric that received data under its documented pull name', () => {
    expect(fed.size).toBeGreaterThan(20);
    for (const name of fed) {
      const metric = registry.find((m) => m.name === name) as MetricDefinition;
      const { family, series } = prometheusNames(metric, 'pull');
      const scraped = families.get(family);
      expect(scraped, `${metric.name} should appear as ${family}`).toBeDefined();
      expect(scraped?.type, family).toBe(TYPES[metric.instrument]);
      expect(scraped?.unit, family).toBe(metric.unit);
      for (const s of series) expect(scraped?.samples.some((sample) => sample.name === s), `${s}`).toBe(true);
    }
  });

  it('gives every histogram exactly the registry buckets, and only allowed labels to every series', () => {
    for (const metric of registry) {
      const scraped = families.get(prometheusNames(metric, 'pull').family);
      if (!scraped) continue;
      const allowed = new Set([...metric.attributes.map(prometheusLabelName), ...SCOPE_LABELS]);
      for (const sample of scraped.samples) {
        for (const label of Object.keys(sample.labels)) expect(allowed, `${sample.name}{${label}}`).toContain(label);
      }
      if (metric.instrument !== 'histogram') continue;
      const bounds = new Set(scraped.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => s.labels.le));
      expect([...bounds], metric.name).toEqual([...(metric.buckets ?? []).map(String), '+Inf']);
    }
  });

  it('names no metric with a unit suffix on the pull path', () => {
    expect(families.has('webrtc_connection_rtt')).toBe(true);
    expect(families.has('webrtc_connection_rtt_milliseconds')).toBe(false);
    expect(families.has('webrtc_transport_sent_total')).toBe(true);
  });

  it('records client values with their attributes (candidate type, media kind, direction), a retried report once', () => {
    const rtt = families.get('webrtc_connection_rtt')?.samples.filter((s) => s.name === 'webrtc_connection_rtt_count') ?? [];
    const byCandidate = Object.fromEntries(rtt.map((s) => [s.labels.candidate_type, s.value]));
    expect(byCandidate).toEqual({ host: 5, relay: 5 });
    const loss = families.get('webrtc_stream_packet_loss')?.samples.find(
      (s) => s.name === 'webrtc_stream_packet_loss_count' && s.labels.media_kind === 'audio' && s.labels.direction === 'inbound',
    );
    expect(loss?.value).toBe(10);
    expect(loss?.labels).toMatchObject({ region: 'eu-west', user_agent_name: 'chrome', os_name: 'linux' });
  });
});

describe('cardinality limit', () => {
  it('folds attribute sets beyond the limit into one overflow series', async () => {
    const telemetry = createTelemetry({ serviceName: 'cardinality', cardinalityLimit: 5 });
    for (let i = 0; i < 50; i++) {
      telemetry.recordBatch(makeBatch({ meta: { browser: 'chrome', os: 'linux', region: `region-${i}`, topology: 'p2p' } }));
    }
    await telemetry.scrape(); // the series' zeros (see 'a new series')
    const scraped = parsePrometheus(await telemetry.scrape());
    const counts = scraped.get('webrtc_connection_rtt')?.samples.filter((s) => s.name === 'webrtc_connection_rtt_count') ?? [];
    expect(counts.length).toBeLessThanOrEqual(5);
    expect(counts.some((s) => s.labels.otel_metric_overflow === 'true')).toBe(true);
    // What the generated CollectorMetricOverflow rule selects on the pull path.
    expect(counts.find((s) => s.labels.otel_metric_overflow === 'true')?.labels.otel_scope_name).toBe('rtcpulse-collector');
    expect(counts.reduce((sum, s) => sum + s.value, 0)).toBe(50 * 10);
    await telemetry.shutdown();
  });
});

describe('a new series', () => {
  it('goes out at zero in the first scrape that sees it, so that Prometheus counts its first increase; from then on at its value', async () => {
    const telemetry = createTelemetry({ serviceName: 'zero-first', cardinalityLimit: 100 });
    const failures = (text: string): Record<string, number> =>
      Object.fromEntries(
        (parsePrometheus(text).get('webrtc_connection_failures_total')?.samples ?? []).map((s) => [s.labels.region ?? '', s.value]),
      );
    const failed = (region: string) =>
      makeBatch({ meta: { browser: 'chrome', os: 'linux', region, topology: 'p2p' }, samples: [], events: [{ ts: Date.now(), type: 'connection.state', state: 'failed', pc: 'pc-a' }] });
    telemetry.recordBatch(failed('eu-west'));
    telemetry.recordBatch(failed('eu-west'));
    expect(failures(await telemetry.scrape())).toEqual({ 'eu-west': 0 });
    expect(failures(await telemetry.scrape())).toEqual({ 'eu-west': 2 });
    // A series already scraped shows each increase at once; another region's first failure starts at zero.
    telemetry.recordBatch(failed('eu-west'));
    telemetry.recordBatch(failed('us-east'));
    expect(failures(await telemetry.scrape())).toEqual({ 'eu-west': 3, 'us-east': 0 });
    expect(failures(await telemetry.scrape())).toEqual({ 'eu-west': 3, 'us-east': 1 });
    await telemetry.shutdown();
  });

  it('stays at zero for the hold after it was made, so that every scraper of /metrics reads a zero first', async () => {
    const telemetry = createTelemetry({ serviceName: 'zero-hold', cardinalityLimit: 100, newSeriesHoldMs: 500 });
    const failures = async (): Promise<number | undefined> =>
      parsePrometheus(await telemetry.scrape()).get('webrtc_connection_failures_total')?.samples[0]?.value;
    telemetry.recordBatch(makeBatch({ samples: [], events: [{ ts: Date.now(), type: 'connection.state', state: 'failed', pc: 'pc-a' }] }));
    // Two scrapers (say two Prometheus replicas) within the hold: both read 0.
    expect(await failures()).toBe(0);
    expect(await failures()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await failures()).toBe(1);
    await telemetry.shutdown();
  });

  it('goes out at its value in the collections after finish() (the last OTLP export at shutdown)', async () => {
    const aggregates = new RegistryAggregates('finish');
    const counter = aggregates.counter('webrtc.connection.failures', '', '{event}', 100);
    const producer = aggregates.producer(60_000);
    counter.add(2, { key: 'a', attributes: { region: 'eu-west' } });
    const value = async () => (await producer.collect()).resourceMetrics.scopeMetrics[0]?.metrics[0]?.dataPoints[0]?.value;
    expect(await value()).toBe(0);
    aggregates.finish();
    expect(await value()).toBe(2);
  });
});

const PARTICIPANT_TIME = registry.find((m) => m.name === 'webrtc.participant.time') as MetricDefinition;

describe('participant time', () => {
  it('accrues the time each batch covers (its longest connection), not one per ended session', async () => {
    const telemetry = createTelemetry({ serviceName: 'participant-time', cardinalityLimit: 100 });
    const batch = makeBatch();
    // Two connections side by side, each with four 2 s intervals after its first sample: 8 s of the participant's time.
    const covered = batch.samples.filter((s) => s.pc === 'pc-a').reduce((sum, s) => sum + s.dur, 0);
    expect(covered).toBe(8000);
    telemetry.recordBatch(batch);
    const total = async (): Promise<number | undefined> =>
      parsePrometheus(await telemetry.scrape())
        .get(prometheusNames(PARTICIPANT_TIME, 'pull').family)
        ?.samples.find((s) => s.name === 'webrtc_participant_time_total')?.value;
    expect(await total()).toBe(0); // the new series' zero (see 'a new series')
    expect(await total()).toBeCloseTo(8 / 60, 9);
    // The session's end (30 minutes long, by its own clock) adds nothing more: its time was counted as it went.
    telemetry.recordBatch(makeBatch({ batchSeq: 1, samples: [], events: [{ ts: Date.now(), type: 'session.end', name: 'closed', value: 30 }] }));
    expect(await total()).toBeCloseTo(8 / 60, 9);
    await telemetry.shutdown();
  });
});
