import type { GrafanaAlertingFile } from '../src/grafana/provisioning.js';
import { readYaml } from './generated-files.js';

/**
 * Every alert as the generated rule files define it, read back from
 * `alerts/generated/` (not from the runbook data they were made from): its
 * name, severity, runbook link and the labels its alerts carry when they fire.
 */

/** Where a generated alert lives. */
export type AlertForm = 'Prometheus' | 'Grafana-managed';

/** One alert of one generated rule file. */
export interface GeneratedAlert {
  readonly alert: string;
  readonly form: AlertForm;
  readonly file: string;
  readonly severity: string;
  readonly runbookUrl: string;
  /** Labels a firing alert carries: `alertname`, the rule's own labels and the labels of the query's result. */
  readonly labels: ReadonlySet<string>;
}

interface PromRuleFile {
  readonly groups: readonly { rules: readonly { record?: string; alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

const PROMETHEUS_FILES = ['prometheus/otlp', 'prometheus/pull'];
const AGGREGATION = /\b(?:sum|min|max|avg|count|group) (?:by \(([^)]*)\) )?\(/g;

/**
 * The labels a PromQL expression's result keeps: the grouping of its
 * aggregations (recording rules it reads expanded first), without `le`.
 * Throws when the aggregations group differently (the result's labels would
 * then need a real parser to tell).
 */
export function resultLabels(expr: string, records: ReadonlyMap<string, string>): string[] {
  const expanded = expr.replace(/rtcpulse:[\w:]+/g, (name) => `(${records.get(name) ?? name})`);
  const groupings = new Set<string>();
  for (const [, by] of expanded.matchAll(AGGREGATION)) {
    const labels = (by ?? '').split(',').map((l) => l.trim()).filter((l) => l !== '' && l !== 'le');
    groupings.add(labels.sort().join(','));
  }
  if (groupings.size !== 1) throw new Error(`cannot tell the labels of ${expr}: groupings ${[...groupings].join(' | ')}`);
  const [only = ''] = groupings;
  return only === '' ? [] : only.split(',');
}

function prometheusAlerts(dir: string): GeneratedAlert[] {
  const records = new Map<string, string>();
  for (const group of readYaml<PromRuleFile>(`${dir}/recording.yml`).groups) for (const r of group.rules) if (r.record) records.set(r.record, r.expr);
  const file = `${dir}/alerts.yml`;
  return readYaml<PromRuleFile>(file).groups.flatMap((g) =>
    g.rules.map((r) => ({
      alert: r.alert ?? '',
      form: 'Prometheus' as const,
      file,
      severity: r.labels?.severity ?? '',
      runbookUrl: r.annotations?.runbook_url ?? '',
      labels: new Set(['alertname', ...Object.keys(r.labels ?? {}), ...resultLabels(r.expr, records)]),
    })),
  );
}

/** The label columns of a Grafana rule's SQL (`SELECT now() AS time, <labels>, value`): Grafana turns them into labels. */
function sqlLabelColumns(rawSql: string): string[] {
  const columns = /^SELECT now\(\) AS time, (.*), value\n/.exec(rawSql)?.[1];
  if (columns === undefined) throw new Error(`unexpected Grafana query: ${rawSql.slice(0, 80)}`);
  return columns.split(', ');
}

function grafanaAlerts(): GeneratedAlert[] {
  const file = 'grafana/alert-rules.yml';
  return readYaml<GrafanaAlertingFile>(file).groups.flatMap((g) =>
    g.rules.map((r) => ({
      alert: r.title,
      form: 'Grafana-managed' as const,
      file,
      severity: r.labels.severity ?? '',
      runbookUrl: String(r.annotations.runbook_url),
      labels: new Set(['alertname', ...Object.keys(r.labels), ...sqlLabelColumns(String(r.data[0]?.model.rawSql))]),
    })),
  );
}

/** Every alert of every generated rule file (both Prometheus naming paths and the Grafana provisioning file). */
export function generatedAlerts(): GeneratedAlert[] {
  return [...PROMETHEUS_FILES.flatMap(prometheusAlerts), ...grafanaAlerts()];
}
