import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { METRICS, type MetricAttribute, type MetricDefinition, type ReportBatch } from '@rtcpulse/schema';
import { AllowedAttributeCache, toOtelAttributes, type RegistryAttributes } from './attributes.js';
import { createBatchRecorder, type BoundRecord } from './client-recording.js';
import type { TelemetryConfig } from './config.js';
import { NodeGauges } from './node-gauges.js';
import { registryViews } from './views.js';

/** Name of the meter every registry instrument belongs to (`otel_scope_name` on `/metrics`). */
export const METER_NAME = 'rtcpulse-collector';

/** One gauge point a node reports, attributes keyed by registry name. */
export interface NodeGaugePoint {
  readonly value: number;
  readonly attributes: RegistryAttributes;
}

/** The collector's OpenTelemetry metrics: registry instruments, `/metrics` text, optional OTLP push. */
export interface Telemetry {
  /** Record one value of a registry histogram or counter by metric name; unknown names and bad values are ignored. */
  record(metricName: string, value: number, attributes: RegistryAttributes): void;
  /** Replace one node's points of a registry gauge, valid for `ttlMs` (see `NodeGauges`). */
  setNodeGauge(metricName: string, node: string, points: readonly NodeGaugePoint[], ttlMs: number): void;
  /** Record every registry metric an accepted client report carries, now. */
  recordBatch(batch: ReportBatch): void;
  /**
   * Queue an accepted report and record it after the current tick's I/O
   * (reports queued in one tick are recorded together); `scrape`, `flush`
   * and `shutdown` record whatever is still queued first. `onError` hears
   * of a report that could not be recorded.
   */
  recordBatchLater(batch: ReportBatch, onError?: (error: unknown) => void): void;
  /** Current metrics in the Prometheus text format, as the pull exporter names them. */
  scrape(): Promise<string>;
  /** Push pending OTLP data now (no-op without OTLP). */
  flush(): Promise<void>;
  /** Flush and stop. */
  shutdown(): Promise<void>;
}

type Recorder = Counter | Histogram;

/** Reports queued by `recordBatchLater` beyond which they are recorded at once (bounds memory). */
const MAX_QUEUED_REPORTS = 1024;

function createRecorders(meter: Meter, gauges: NodeGauges, cardinalityLimit: number): Map<string, BoundRecord> {
  const registry: readonly MetricDefinition[] = METRICS;
  const recorders = new Map<string, BoundRecord>();
  // One cache per distinct allow-list (most metrics share a few), each holding at most the cardinality limit.
  const caches = new Map<string, AllowedAttributeCache>();
  const attributeCache = (allowed: readonly MetricAttribute[]): AllowedAttributeCache => {
    const key = allowed.join(',');
    let cache = caches.get(key);
    if (!cache) {
      cache = new AllowedAttributeCache(allowed, cardinalityLimit);
      caches.set(key, cache);
    }
    return cache;
  };
  for (const metric of registry) {
    const options = { unit: metric.unit, description: metric.description };
    if (metric.instrument === 'gauge') {
      meter.createObservableGauge(metric.name, options).addCallback((result) => {
        for (const point of gauges.observe(metric.name)) result.observe(point.value, point.attributes);
      });
      continue;
    }
    const instrument: Recorder =
      metric.instrument === 'histogram'
        ? meter.createHistogram(metric.name, { ...options, advice: { explicitBucketBoundaries: [...(metric.buckets ?? [])] } })
        : meter.createCounter(metric.name, options);
    const allowed = attributeCache(metric.attributes);
    const bound: BoundRecord =
      'add' in instrument
        ? (value, attributes) => {
            if (Number.isFinite(value) && value >= 0) instrument.add(value, allowed.get(attributes));
          }
        : (value, attributes) => {
            if (Number.isFinite(value) && value >= 0) instrument.record(value, allowed.get(attributes));
          };
    recorders.set(metric.name, bound);
  }
  return recorders;
}

/**
 * Build the MeterProvider from the registry: one instrument per metric
 * (histograms with the registry's explicit buckets, counters, observable
 * gauges summed over live nodes), views that enforce each metric's attribute
 * allow-list and the cardinality limit, a Prometheus reader that never opens
 * its own port (the app serves `/metrics`), and an OTLP/HTTP reader when
 * configured.
 */
export function createTelemetry(config: TelemetryConfig): Telemetry {
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: IMetricReader[] = [prometheus];
  if (config.otlp) {
    const exporter = new OTLPMetricExporter({ url: config.otlp.url, timeoutMillis: config.otlp.timeoutMs });
    readers.push(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.otlp.intervalMs,
        exportTimeoutMillis: config.otlp.timeoutMs,
      }),
    );
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    views: registryViews(config.cardinalityLimit),
    readers,
  });
  const gauges = new NodeGauges();
  const recorders = createRecorders(provider.getMeter(METER_NAME), gauges, config.cardinalityLimit);
  const serializer = new PrometheusSerializer();
  const recordReport = createBatchRecorder((name) => recorders.get(name));

  const record = (metricName: string, value: number, attributes: RegistryAttributes): void => {
    recorders.get(metricName)?.(value, attributes);
  };

  let queue: [ReportBatch, ((error: unknown) => void) | undefined][] = [];
  let scheduled = false;
  const drain = (): void => {
    scheduled = false;
    const batches = queue;
    queue = [];
    for (const [batch, onError] of batches) {
      try {
        recordReport(batch);
      } catch (error) {
        onError?.(error);
      }
    }
  };

  let stopped = false;
  return {
    record,
    setNodeGauge(metricName, node, points, ttlMs) {
      const valid = points.filter((p) => Number.isFinite(p.value));
      gauges.set(
        metricName,
        node,
        valid.map((p) => ({ value: p.value, attributes: toOtelAttributes(p.attributes) })),
        ttlMs,
      );
    },
    recordBatch(batch) {
      recordReport(batch);
    },
    recordBatchLater(batch, onError) {
      queue.push([batch, onError]);
      if (queue.length >= MAX_QUEUED_REPORTS) drain();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    },
    async scrape() {
      drain();
      const { resourceMetrics } = await prometheus.collect();
      return serializer.serialize(resourceMetrics);
    },
    async flush() {
      drain();
      if (!stopped) await provider.forceFlush();
    },
    async shutdown() {
      if (stopped) return;
      drain();
      stopped = true;
      await provider.shutdown();
    },
  };
}
