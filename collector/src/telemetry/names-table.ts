import { METRICS, prometheusLabelName, prometheusNames, type MetricDefinition } from '@rtcpulse/schema';

/** Marks around the generated table in `collector/README.md`. */
export const NAMES_TABLE_BEGIN = '<!-- prometheus-names:begin (generated: npx tsx collector/src/telemetry/print-names-table.ts) -->';
export const NAMES_TABLE_END = '<!-- prometheus-names:end -->';

const code = (text: string): string => `\`${text}\``;

/**
 * A Markdown table of every registry metric: OpenTelemetry name, unit and
 * kind, its Prometheus family on the pull path (`/metrics`) and on the OTLP
 * path (into Prometheus or the OpenTelemetry Collector, default translation),
 * its labels, and its histogram buckets.
 */
export function prometheusNamesTable(): string {
  const registry: readonly MetricDefinition[] = METRICS;
  const lines = [
    '| OpenTelemetry name | unit | kind | pull (`/metrics`) | OTLP → Prometheus | labels | buckets |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const metric of registry) {
    const pull = prometheusNames(metric, 'pull');
    const otlp = prometheusNames(metric, 'otlp');
    const labels = metric.attributes.map(prometheusLabelName).join(', ');
    const buckets = metric.buckets ? metric.buckets.join(', ') : '';
    const kind = metric.instrument === 'histogram' ? 'histogram (`_bucket`, `_sum`, `_count`)' : metric.instrument;
    lines.push(
      `| ${code(metric.name)} | ${code(metric.unit)} | ${kind} | ${code(pull.family)} | ${code(otlp.family)} | ${labels} | ${buckets} |`,
    );
  }
  return lines.join('\n');
}

/** The README section between the marks, as it should be. */
export function namesTableSection(): string {
  return `${NAMES_TABLE_BEGIN}\n${prometheusNamesTable()}\n${NAMES_TABLE_END}`;
}
