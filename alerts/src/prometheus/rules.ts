import { METRICS, type MetricDefinition } from '@rtcpulse/schema';
import { allRules, type PagedRule } from '../runbook/index.js';
import type { AlertRule, BurnRateForm, Duration, PrometheusForm, RunbookPage } from '../runbook/types.js';
import type { NamingPath } from './naming.js';
import {
  STANDARD_QUANTILES,
  badEventsExpr,
  badEventsRecordName,
  burnAlertExpr,
  errorRatioExpr,
  errorRatioRecordName,
  quantileAlertExpr,
  quantileRecordExpr,
  quantileRecordName,
  ratioAlertExpr,
} from './promql.js';
import { quantileGrouping, requireMetric, unresolvedReason } from './resolve.js';

/** A Prometheus recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** A Prometheus alerting rule. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: Duration;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A rule group of a Prometheus rule file. */
export interface RuleGroup<R> {
  readonly name: string;
  readonly rules: readonly R[];
}

/** A rule with a generated Prometheus form. */
export interface PrometheusAlert extends PagedRule {
  readonly form: PrometheusForm;
}

/** A rule whose Prometheus form waits for a registry metric. */
export interface PendingAlert extends PagedRule {
  readonly reason: string;
}

/** Split the rules with a Prometheus form into those the registry can serve now and those it cannot yet. */
export function prometheusAlerts(rules: readonly PagedRule[] = allRules()): { ready: PrometheusAlert[]; pending: PendingAlert[] } {
  const ready: PrometheusAlert[] = [];
  const pending: PendingAlert[] = [];
  for (const paged of rules) {
    const form = paged.rule.prometheus;
    if (!form) continue;
    const reason = unresolvedReason(form);
    if (reason) pending.push({ ...paged, reason });
    else ready.push({ ...paged, form });
  }
  return { ready, pending };
}

/**
 * Where an alert's `runbook_url` points: its page, at the alert's own
 * section (`#<alert name in lower case>`, the anchor a Markdown renderer such
 * as GitHub's gives the section's heading, which is the alert's name alone).
 */
export function runbookUrl(page: Pick<RunbookPage, 'slug'>, baseUrl: string, alert: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${page.slug}.md#${alert.toLowerCase()}`;
}

/** Labels every generated alert carries. */
export function alertLabels(rule: AlertRule): Record<string, string> {
  return { severity: rule.severity, rule_id: rule.id };
}

/** The grouping labels a Prometheus form's alerts carry (beyond {@link alertLabels}). */
export function alertGrouping(alert: { readonly form: PrometheusForm }): readonly string[] {
  const { form } = alert;
  if (form.kind === 'quantile') return quantileGrouping(requireMetric(form.metric));
  return form.kind === 'ratio' ? form.by : [];
}

/** Annotations every generated alert carries. */
export function alertAnnotations(rule: AlertRule, page: RunbookPage, baseUrl: string): Record<string, string> {
  return { summary: rule.summary, description: rule.description, runbook_url: runbookUrl(page, baseUrl, rule.alert) };
}

/** The alerting rule's expression for `path` (it reads the recording rules of the same path). */
export function alertExpr(alert: PrometheusAlert, path: NamingPath): string {
  const { rule, form } = alert;
  switch (form.kind) {
    case 'quantile':
      return quantileAlertExpr(form, rule.comparator, rule.threshold, path);
    case 'ratio':
      return ratioAlertExpr(form, rule.comparator, rule.threshold, path);
    case 'burn-rate':
      return burnAlertExpr(form, rule.threshold);
  }
}

/** Alerting rule groups (one per runbook page) for `path`. */
export function alertingGroups(alerts: readonly PrometheusAlert[], path: NamingPath, baseUrl: string): RuleGroup<AlertingRule>[] {
  const groups = new Map<string, AlertingRule[]>();
  for (const alert of alerts) {
    const list = groups.get(alert.page.slug) ?? [];
    list.push({
      alert: alert.rule.alert,
      expr: alertExpr(alert, path),
      for: alert.rule.for,
      labels: alertLabels(alert.rule),
      annotations: alertAnnotations(alert.rule, alert.page, baseUrl),
    });
    groups.set(alert.page.slug, list);
  }
  return [...groups].map(([slug, rules]) => ({ name: `rtcpulse-${slug}`, rules }));
}

function histogramMetrics(): MetricDefinition[] {
  const registry: readonly MetricDefinition[] = METRICS;
  return registry.filter((m) => m.instrument === 'histogram' && m.buckets && m.buckets.length > 0);
}

/**
 * Recording rules: p50/p95/p99 of every registry histogram (plus any other
 * quantile an alert reads), each SLO's error ratio over every window its
 * burn-rate alerts use, and its bad events over their long windows.
 */
export function recordingGroups(alerts: readonly PrometheusAlert[], path: NamingPath): RuleGroup<RecordingRule>[] {
  const quantileRules: RecordingRule[] = [];
  for (const metric of histogramMetrics()) {
    const extra = alerts.flatMap((a) => (a.form.kind === 'quantile' && a.form.metric === metric.name ? [a.form.quantile] : []));
    const quantiles = [...new Set([...STANDARD_QUANTILES, ...extra])].sort((a, b) => a - b);
    for (const q of quantiles) {
      quantileRules.push({ record: quantileRecordName(metric.name, q, path), expr: quantileRecordExpr(metric.name, q, path) });
    }
  }
  const sloRules = new Map<string, RecordingRule>();
  for (const alert of alerts) {
    if (alert.form.kind !== 'burn-rate') continue;
    const form: BurnRateForm = alert.form;
    for (const window of [form.longWindow, form.shortWindow]) {
      const record = errorRatioRecordName(form.slo, window);
      if (!sloRules.has(record)) sloRules.set(record, { record, expr: errorRatioExpr(form, window, path) });
    }
    const bad = badEventsRecordName(form.slo, form.longWindow);
    if (!sloRules.has(bad)) sloRules.set(bad, { record: bad, expr: badEventsExpr(form, form.longWindow, path) });
  }
  const groups: RuleGroup<RecordingRule>[] = [{ name: 'rtcpulse-quantiles', rules: quantileRules }];
  if (sloRules.size > 0) groups.push({ name: 'rtcpulse-slo-error-ratios', rules: [...sloRules.values()] });
  return groups;
}
