import { prometheusLabelName, prometheusNames, type MetricAttribute, type MetricDefinition, type PrometheusPath } from '@rtcpulse/schema';

/**
 * Prometheus names of registry metrics on the two export paths, from the
 * schema's shared naming (`packages/schema/src/registry/prometheus-names.ts`):
 *
 * - `otlp`: OTLP into Prometheus: unit suffix (`_milliseconds`, `_bytes`,
 *   `_percent`, ...) and `_total` on counters.
 * - `pull`: the collector's own `/metrics`: no unit suffix, `_total` on counters.
 */
export type NamingPath = PrometheusPath;

/** Both paths, in output order. */
export const NAMING_PATHS: readonly NamingPath[] = ['otlp', 'pull'];

/** The metric family name on `path` (before `_bucket`/`_sum`/`_count` for histograms). */
export function prometheusName(metric: MetricDefinition, path: NamingPath): string {
  return prometheusNames(metric, path).family;
}

/** The Prometheus label of a registry attribute (`media.kind` → `media_kind`, `os` → `os_name`). */
export function labelName(attribute: MetricAttribute): string {
  return prometheusLabelName(attribute);
}

/** Replace everything Prometheus does not allow in a name by `_`. */
export function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]+/g, '_');
}
