import { createServer, type Server } from 'node:http';
import type { Attributes } from '@opentelemetry/api';
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  createAllowListAttributesProcessor,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { METRICS, otelAttributeKey, type MetricDefinition, type ReportBatch } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkReport } from '../fault/sdk-reports.js';
import { toOtelAttributes, type RegistryAttributes } from '../src/telemetry/attributes.js';
import { createBatchRecorder } from '../src/telemetry/client-recording.js';
import { METER_NAME, createTelemetry } from '../src/telemetry/telemetry.js';

const registry: readonly MetricDefinition[] = METRICS;

/**
 * The reference: what the OpenTelemetry SDK itself makes of the same calls,
 * with one synchronous instrument per registry histogram and counter and a
 * view per metric (allow-list, registry buckets with min and max,
 * cardinality limit), the way the collector recorded before it aggregated
 * in place.
 */
function sdkReference(cardinalityLimit: number, otlpUrl: string) {
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const exporter = new OTLPMetricExporter({ url: otlpUrl, temporalityPreference: AggregationTemporalityPreference.CUMULATIVE });
  const otlp = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const recorded = registry.filter((m) => m.instrument !== 'gauge');
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'reference' }),
    readers: [prometheus, otlp],
    views: recorded.map((metric) => ({
      instrumentName: metric.name,
      attributesProcessors: [createAllowListAttributesProcessor(metric.attributes.map(otelAttributeKey))],
      aggregationCardinalityLimit: cardinalityLimit,
      ...(metric.instrument === 'histogram'
        ? { aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...(metric.buckets ?? [])], recordMinMax: true } } }
        : {}),
    })),
  });
  const meter = provider.getMeter(METER_NAME);
  const record = new Map<string, (value: number, attributes: RegistryAttributes) => void>();
  for (const metric of recorded) {
    const options = { unit: metric.unit, description: metric.description };
    const instrument = metric.instrument === 'histogram' ? meter.createHistogram(metric.name, options) : meter.createCounter(metric.name, options);
    record.set(metric.name, (value, attributes) => {
      if (!Number.isFinite(value) || value < 0) return;
      const otel: Attributes = toOtelAttributes(attributes);
      if ('add' in instrument) instrument.add(value, otel);
      else instrument.record(value, otel);
    });
  }
  return {
    recordBatch: createBatchRecorder((name) => record.get(name)),
    record: (name: string, value: number, attributes: RegistryAttributes) => record.get(name)?.(value, attributes),
    collect: async (): Promise<ResourceMetrics> => (await prometheus.collect()).resourceMetrics,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Prometheus text without its timestamps, lines sorted (scopes may come in another order). */
const normalised = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .sort();

interface OtlpBody {
  resourceMetrics: { scopeMetrics: { scope: unknown; metrics: { name: string }[] }[] }[];
}

/** Posted OTLP bodies by path. */
const posted = new Map<string, OtlpBody[]>();
let receiver: Server;
let base = '';
beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const list = posted.get(req.url ?? '') ?? [];
      list.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody);
      posted.set(req.url ?? '', list);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Every exported metric as JSON without its timestamps, data points sorted by attributes, metrics by name. */
function otlpMetrics(path: string): string[] {
  const metrics = (posted.get(path) ?? []).flatMap((body) =>
    body.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => ({ scope: s.scope, ...m })))),
  );
  return metrics
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((metric) => {
      const copy = JSON.parse(JSON.stringify(metric, (key, value: unknown) => (/timeunixnano$/i.test(key) ? undefined : value))) as Record<
        string,
        { dataPoints?: { attributes?: unknown }[] } | undefined
      >;
      for (const kind of ['histogram', 'sum']) {
        copy[kind]?.dataPoints?.sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
      }
      return JSON.stringify(copy);
    });
}

function batches(): ReportBatch[] {
  return Array.from({ length: 120 }, (_, i) => {
    const batch = sdkReport({ tenant: 't', sessionId: `s${i}`, batchSeq: i % 5, seed: i + 1, last: i % 9 === 0 });
    // Some clients in regions of their own, so that a low limit overflows.
    return i % 7 === 0 ? { ...batch, meta: { ...batch.meta, region: `region-${i}` } } : batch;
  });
}

describe('in-place aggregation of histograms and counters', () => {
  for (const limit of [2000, 5]) {
    it(`exposes and pushes the same series and values as the OpenTelemetry SDK would (cardinality limit ${limit})`, async () => {
      const telemetry = createTelemetry({
        serviceName: 'reference',
        cardinalityLimit: limit,
        otlp: { url: `${base}/collector-${limit}`, intervalMs: 3_600_000, timeoutMs: 10_000 },
      });
      const reference = sdkReference(limit, `${base}/reference-${limit}`);
      const serverCalls: [string, number, RegistryAttributes][] = [
        ['webrtc.sfu.egress', 1e6, { region: 'x', 'media.kind': 'video', layer: 'l1', browser: 'not-allowed' }],
        ['webrtc.recording.duration', 600, { region: 'x', outcome: 'finished' }],
        ['webrtc.cost.cpu', 0.25, { region: 'x', service: 'sfu' }],
        ['webrtc.connection.rtt', 0, { region: 'x', browser: '' }],
        ['webrtc.connection.rtt', Number.NaN, { region: 'x' }],
        ['webrtc.connection.rtt', -1, { region: 'x' }],
      ];
      for (const batch of batches()) {
        telemetry.recordBatch(batch);
        reference.recordBatch(batch);
      }
      for (const [name, value, attributes] of serverCalls) {
        telemetry.record(name, value, attributes);
        reference.record(name, value, attributes);
      }
      const expected = new PrometheusSerializer().serialize(await reference.collect());
      // Each reader's first collection of a series shows it at zero (so Prometheus counts its first increase), the next its values.
      const first = normalised(await telemetry.scrape());
      const actual = await telemetry.scrape();
      expect(first.filter((line) => !line.startsWith('#') && !line.startsWith('target_info')).every((line) => line.endsWith(' 0'))).toBe(true);
      expect(first.map((line) => line.replace(/ [^ ]+$/, ''))).toEqual(normalised(expected).map((line) => line.replace(/ [^ ]+$/, '')));
      expect(normalised(actual).length).toBeGreaterThan(1000);
      expect(normalised(actual)).toEqual(normalised(expected));
      // OTLP carries what the text does not: min, max, descriptors, temporality. Its reader has zeros first too.
      await telemetry.flush();
      expect(otlpMetrics(`/collector-${limit}`).some((m) => /"min":/.test(m))).toBe(false);
      posted.delete(`/collector-${limit}`);
      await telemetry.flush();
      await reference.flush();
      const pushed = otlpMetrics(`/collector-${limit}`);
      expect(pushed.length).toBeGreaterThan(20);
      expect(pushed.some((m) => /"min":/.test(m))).toBe(true);
      expect(pushed).toEqual(otlpMetrics(`/reference-${limit}`));
      await telemetry.shutdown();
      await reference.shutdown();
    });
  }
});
