import { METRICS, type MetricDefinition } from '@rtcpulse/schema';

/**
 * Prometheus name of a registry metric as the collector's own `/metrics`
 * endpoint (the OpenTelemetry pull exporter) exposes it: dots become
 * underscores and no unit suffix is added; counters get `_total`.
 */
export function prometheusName(metric: MetricDefinition): string {
  const base = metric.name.replace(/[^a-zA-Z0-9_]/g, '_');
  return metric.instrument === 'counter' ? `${base}_total` : base;
}

/** `histogram_quantile` of a registry histogram by `by` labels over a 5-minute rate. */
export function histogramQuantileExpr(metricName: string, quantile: number, by: readonly string[]): string {
  const registry: readonly MetricDefinition[] = METRICS;
  const metric = registry.find((m) => m.name === metricName);
  if (!metric || metric.instrument !== 'histogram') throw new Error(`${metricName} is not a registry histogram`);
  const labels = ['le', ...by].join(', ');
  return `histogram_quantile(${quantile}, sum by (${labels}) (rate(${prometheusName(metric)}_bucket[5m])))`;
}
