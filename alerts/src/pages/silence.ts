import { alertGrouping, alertLabels } from '../prometheus/rules.js';
import type { AlertRule, RunbookPage } from '../runbook/types.js';

/** One place an alert fires from, and the labels its alerts carry there. */
export interface AlertSource {
  readonly form: 'Prometheus' | 'Grafana-managed';
  readonly labels: readonly string[];
}

/**
 * Where a rule's alerts come from and their labels: a generated Prometheus
 * alert carries its grouping labels, a Grafana-managed one `tenant` and its
 * SQL label columns; both carry `alertname` and {@link alertLabels}.
 */
export function alertSources(rule: AlertRule, prometheusReady: boolean): AlertSource[] {
  const common = ['alertname', ...Object.keys(alertLabels(rule))];
  const sources: AlertSource[] = [];
  if (prometheusReady && rule.prometheus) sources.push({ form: 'Prometheus', labels: [...common, ...alertGrouping({ form: rule.prometheus })] });
  if (rule.grafana) sources.push({ form: 'Grafana-managed', labels: [...common, 'tenant', ...rule.sql.labels] });
  return sources;
}

function labelList(labels: readonly string[]): string {
  return labels.map((l) => `\`${l}\``).join(' or ');
}

/**
 * The "Silencing safely" commands of a page: per rule and form, an amtool
 * silence scoped by the page's `by` labels that form carries, or a comment
 * saying why it cannot (or must not) be silenced that way.
 */
export function silenceLines(page: RunbookPage, ready: ReadonlySet<string>): string[] {
  const plan = page.silence;
  const lines: string[] = [];
  for (const rule of page.rules) {
    const never = plan.never?.[rule.alert];
    if (never !== undefined) {
      lines.push(`# ${rule.alert}: never silence it (${never}).`);
      continue;
    }
    const sources = alertSources(rule, ready.has(rule.id));
    if (sources.length === 0) lines.push(`# ${rule.alert}: evaluated natively only (npm run alerts:evaluate); no alert to silence.`);
    // Forms that carry the same labels share one command: a silence matches both.
    const commands = new Set<string>();
    const keptOn: string[] = [];
    for (const source of sources) {
      const missing = plan.by.filter((l) => !source.labels.includes(l));
      const carried = plan.by.filter((l) => source.labels.includes(l));
      const where = `${rule.alert} (${source.form} form)`;
      if (missing.length > 0 && plan.lacking === 'keep') {
        lines.push(`# ${where} carries no ${labelList(missing)} label, so it cannot be silenced that narrowly: leave it on.`);
        keptOn.push(source.form);
        continue;
      }
      const matchers = [`alertname=${rule.alert}`, ...carried.map((l) => `${l}=<${l}>`)];
      const command = `amtool silence add ${matchers.join(' ')} --duration=${plan.duration} --comment="<incident or decision link>"`;
      if (commands.has(command)) continue;
      commands.add(command);
      if (missing.length > 0) {
        lines.push(`# ${where} carries no ${labelList(missing)} label: without that matcher this silence covers every ${labelList(missing)}, in every form of the alert.`);
      }
      // After a form left on, say which form this one is for: it cannot match the one left on.
      if (keptOn.length > 0) lines.push(`# ${where} only (the ${keptOn.join(' and ')} form stays on):`);
      lines.push(command);
    }
  }
  return lines;
}
