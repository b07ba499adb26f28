import type { Meter } from '@opentelemetry/api';
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { METRICS, type MetricAttribute, type MetricDefinition, type ReportBatch } from '@rtcpulse/schema';
import { AllowedAttributeCache, toOtelAttributes, type RegistryAttributes } from './attributes.js';
import { RegistryAggregates } from './aggregation.js';
import { createBatchRecorder, type BoundRecord } from './client-recording.js';
import type { TelemetryConfig } from './config.js';
import { NodeGauges } from './node-gauges.js';
import { gaugeViews } from './views.js';

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
  /**
   * Read a collector gauge (a registry metric of scope `collector`) from
   * `read` whenever metrics are collected; a later call for the same name
   * replaces the reader. Unknown names are ignored.
   */
  observeCollector(metricName: string, read: () => number): void;
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

/** Reports queued by `recordBatchLater` beyond which they are recorded at once (bounds memory). */
const MAX_QUEUED_REPORTS = 1024;

/**
 * Gauges become observable instruments of the meter; histograms and counters
 * become series of `aggregates` (see `RegistryAggregates`), recorded through
 * the returned functions, which drop attributes beyond the metric's registry
 * list and ignore values that are not finite or are negative.
 */
function createRecorders(
  meter: Meter,
  aggregates: RegistryAggregates,
  gauges: NodeGauges,
  selfGauges: ReadonlyMap<string, () => number>,
  cardinalityLimit: number,
): Map<string, BoundRecord> {
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
    if (metric.instrument === 'gauge') {
      // Summed node reports (server gauges), or this process's own value and points (scope `collector`: the spool,
      // audit completeness per tenant set as the node `self`); a reader is absent until something sets it.
      meter.createObservableGauge(metric.name, { unit: metric.unit, description: metric.description }).addCallback((result) => {
        const value = selfGauges.get(metric.name)?.();
        if (value !== undefined && Number.isFinite(value)) result.observe(value);
        for (const point of gauges.observe(metric.name)) result.observe(point.value, point.attributes);
      });
      continue;
    }
    const allowed = attributeCache(metric.attributes);
    let bound: BoundRecord;
    if (metric.instrument === 'histogram') {
      const series = aggregates.histogram(metric.name, metric.description, metric.unit, metric.buckets ?? [], cardinalityLimit);
      bound = (value, attributes) => {
        if (Number.isFinite(value) && value >= 0) series.record(value, allowed.get(attributes));
      };
    } else {
      const series = aggregates.counter(metric.name, metric.description, metric.unit, cardinalityLimit);
      bound = (value, attributes) => {
        if (Number.isFinite(value) && value >= 0) series.add(value, allowed.get(attributes));
      };
    }
    recorders.set(metric.name, bound);
  }
  return recorders;
}

/**
 * Build the metrics from the registry: histograms (the registry's explicit
 * buckets, with min and max) and counters aggregated in place by
 * `RegistryAggregates`, observable gauges summed over live nodes on the
 * meter; each metric keeps only its registry attributes and at most the
 * cardinality limit of attribute sets. Readers: Prometheus, which never opens
 * its own port (the app serves `/metrics`), and OTLP/HTTP when configured.
 * Every series is cumulative, on both paths (the OTLP exporter is pinned to
 * cumulative temporality).
 */
export function createTelemetry(config: TelemetryConfig): Telemetry {
  const aggregates = new RegistryAggregates(METER_NAME);
  const prometheus = new PrometheusExporter({ preventServerStart: true, metricProducers: [aggregates.producer(config.newSeriesHoldMs)] });
  const readers: IMetricReader[] = [prometheus];
  if (config.otlp) {
    const exporter = new OTLPMetricExporter({
      url: config.otlp.url,
      timeoutMillis: config.otlp.timeoutMs,
      temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
    });
    readers.push(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.otlp.intervalMs,
        exportTimeoutMillis: config.otlp.timeoutMs,
        metricProducers: [aggregates.producer(config.newSeriesHoldMs)],
      }),
    );
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }),
    views: gaugeViews(config.cardinalityLimit),
    readers,
  });
  const gauges = new NodeGauges();
  const selfGauges = new Map<string, () => number>();
  const recorders = createRecorders(provider.getMeter(METER_NAME), aggregates, gauges, selfGauges, config.cardinalityLimit);
  const serializer = new PrometheusSerializer();
  const recordReport = createBatchRecorder((name) => recorders.get(name), config.openValueLimit);

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
    observeCollector(metricName, read) {
      if (METRICS.some((m) => m.name === metricName && m.scope === 'collector' && m.instrument === 'gauge')) selfGauges.set(metricName, read);
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
      // The OTLP reader's last export: new series at their values, as no later export would carry them.
      aggregates.finish();
      await provider.shutdown();
    },
  };
}
