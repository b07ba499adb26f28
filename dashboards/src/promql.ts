import { matcherText } from '@rtcpulse/alerts';
import { METRICS, prometheusNames, type MetricDefinition } from '@rtcpulse/schema';

/**
 * Prometheus name of a registry metric as the collector's own `/metrics`
 * endpoint (the OpenTelemetry pull exporter) exposes it: dots become
 * underscores and no unit suffix is added; counters get `_total` (the
 * schema's `pull` naming, which the alert rules' pull variant uses too).
 * The dashboards query this path only; metrics pushed over OTLP into
 * Prometheus carry unit suffixes (`otlp` naming) and are not matched.
 */
export function prometheusName(metric: MetricDefinition): string {
  return prometheusNames(metric, 'pull').family;
}

/** `{a="x",b="y"}` (keys sorted), or '' for none: the alert rules' own matcher text. */
export { matcherText };

/**
 * `histogram_quantile` of a registry histogram by `by` labels over a
 * 5-minute rate, on the series selected by `matchers` (Prometheus label
 * names, e.g. `{ direction: 'inbound' }`).
 */
export function histogramQuantileExpr(metricName: string, quantile: number, by: readonly string[], matchers: Readonly<Record<string, string>> = {}): string {
  const registry: readonly MetricDefinition[] = METRICS;
  const metric = registry.find((m) => m.name === metricName);
  if (!metric || metric.instrument !== 'histogram') throw new Error(`${metricName} is not a registry histogram`);
  const labels = ['le', ...by].join(', ');
  return `histogram_quantile(${quantile}, sum by (${labels}) (rate(${prometheusName(metric)}_bucket${matcherText(matchers)}[5m])))`;
}
