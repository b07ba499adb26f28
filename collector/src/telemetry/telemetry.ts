import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { METRICS, type MetricDefinition, type ReportBatch } from '@rtcpulse/schema';
import { toOtelAttributes, type RegistryAttributes } from './attributes.js';
import { recordBatch } from './client-recording.js';
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
  /** Record every registry metric an accepted client report carries. */
  recordBatch(batch: ReportBatch): void;
  /** Current metrics in the Prometheus text format, as the pull exporter names them. */
  scrape(): Promise<string>;
  /** Push pending OTLP data now (no-op without OTLP). */
  flush(): Promise<void>;
  /** Flush and stop. */
  shutdown(): Promise<void>;
}

type Recorder = Counter | Histogram;

function createRecorders(meter: Meter, gauges: NodeGauges): Map<string, Recorder> {
  const registry: readonly MetricDefinition[] = METRICS;
  const recorders = new Map<string, Recorder>();
  for (const metric of registry) {
    const options = { unit: metric.unit, description: metric.description };
    if (metric.instrument === 'histogram') {
      const advice = { explicitBucketBoundaries: [...(metric.buckets ?? [])] };
      recorders.set(metric.name, meter.createHistogram(metric.name, { ...options, advice }));
    } else if (metric.instrument === 'counter') {
      recorders.set(metric.name, meter.createCounter(metric.name, options));
    } else {
      meter.createObservableGauge(metric.name, options).addCallback((result) => {
        for (const point of gauges.observe(metric.name)) result.observe(point.value, point.attributes);
      });
    }
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
  const recorders = createRecorders(provider.getMeter(METER_NAME), gauges);
  const serializer = new PrometheusSerializer();

  const record = (metricName: string, value: number, attributes: RegistryAttributes): void => {
    const recorder = recorders.get(metricName);
    if (!recorder || !Number.isFinite(value) || value < 0) return;
    if ('add' in recorder) recorder.add(value, toOtelAttributes(attributes));
    else recorder.record(value, toOtelAttributes(attributes));
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
      recordBatch(record, batch);
    },
    async scrape() {
      const { resourceMetrics } = await prometheus.collect();
      return serializer.serialize(resourceMetrics);
    },
    async flush() {
      if (!stopped) await provider.forceFlush();
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await provider.shutdown();
    },
  };
}
