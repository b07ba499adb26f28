import type { BurnRateForm, CounterExpr, MetricSelector, PromtoolCase, QuantileForm, RatioForm } from '../runbook/types.js';
import { durationSeconds } from '../runbook/durations.js';
import { isSelector, selectorKey, selectorSeriesName } from './counter-expr.js';
import { prometheusName, type NamingPath } from './naming.js';
import { burnLimit } from './promql.js';
import { quantileGrouping, requireMetric } from './resolve.js';
import { alertAnnotations, alertGrouping, alertLabels, type PrometheusAlert } from './rules.js';

/** One input series of a promtool test: selector text and expanding values notation. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** One expected alert of an `alert_rule_test`. */
export interface ExpectedAlert {
  readonly exp_labels: Readonly<Record<string, string>>;
  readonly exp_annotations: Readonly<Record<string, string>>;
}

/** One promtool test group. */
export interface PromtoolTestGroup {
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test: readonly { eval_time: string; alertname: string; exp_alerts: readonly ExpectedAlert[] }[];
}

/** Whether a generated case expects the alert to fire. */
export type Outcome = 'fires' | 'silent';

/** Example values for grouping labels in generated series. */
const SAMPLE_LABELS: Readonly<Record<string, string>> = { region: 'eu-west', media_kind: 'audio', direction: 'inbound', os_name: 'ios' };

/** Per-minute increase of the denominator series. */
const TOTAL_PER_MINUTE = 1000;

function labelsText(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

function counterValues(perMinute: number, minutes: number): string {
  return perMinute === 0 ? `0x${minutes}` : `0+${+perMinute.toPrecision(12)}x${minutes}`;
}

function groupLabels(by: readonly string[], matchers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const name of by) labels[name] = matchers?.[name] ?? SAMPLE_LABELS[name] ?? `${name}-a`;
  return labels;
}

/**
 * Bucket series whose observations all fall in one bucket: the one just
 * above the threshold (the quantile lands above it) or the one ending at it
 * (the quantile lands below it). `histogram_quantile` interpolates inside
 * the bucket, so with the threshold on a boundary the side is certain.
 */
function quantileCase(form: QuantileForm, above: boolean, path: NamingPath, threshold: number, minutes: number) {
  const metric = requireMetric(form.metric);
  const buckets = [...(metric.buckets ?? [])];
  const index = buckets.indexOf(threshold);
  if (index < 0) throw new Error(`${form.metric}: threshold ${threshold} is not a bucket boundary`);
  const upper = above ? buckets[index + 1] : threshold;
  if (upper === undefined) throw new Error(`${form.metric}: threshold ${threshold} is the last boundary`);
  const labels = groupLabels(quantileGrouping(metric), form.matchers);
  const name = `${prometheusName(metric, path)}_bucket`;
  const series = [...buckets.map(String), '+Inf'].map((le) => ({
    series: `${name}${labelsText({ ...labels, le })}`,
    values: counterValues(le === '+Inf' || Number(le) >= upper ? 60 : 0, minutes),
  }));
  return { series, labels };
}

function selectorSeries(selector: MetricSelector, by: readonly string[], perMinute: number, path: NamingPath, minutes: number): InputSeries {
  const labels = { ...groupLabels(by, undefined), ...(selector.matchers ?? {}) };
  return { series: `${selectorSeriesName(selector, path)}${labelsText(labels)}`, values: counterValues(perMinute, minutes) };
}

/** True when every numerator selector is also in the denominator (a share, at most 1). */
function isShare(numerator: readonly MetricSelector[], denominator: readonly MetricSelector[]): boolean {
  const keys = new Set(denominator.map(selectorKey));
  return numerator.every((s) => keys.has(selectorKey(s)));
}

/**
 * Counter series whose summed rates give numerator / denominator = `ratio`.
 * For a share the rest of the denominator gets the complement; otherwise
 * numerator and denominator must be disjoint.
 */
function ratioSeries(
  numerator: readonly MetricSelector[],
  denominator: readonly MetricSelector[],
  by: readonly string[],
  ratio: number,
  path: NamingPath,
  minutes: number,
): InputSeries[] {
  const series = numerator.map((s) => selectorSeries(s, by, (ratio * TOTAL_PER_MINUTE) / numerator.length, path, minutes));
  const numeratorKeys = new Set(numerator.map(selectorKey));
  if (isShare(numerator, denominator)) {
    if (ratio > 1) throw new Error('a share cannot exceed 1');
    const rest = denominator.filter((s) => !numeratorKeys.has(selectorKey(s)));
    for (const s of rest) series.push(selectorSeries(s, by, ((1 - ratio) * TOTAL_PER_MINUTE) / rest.length, path, minutes));
    return series;
  }
  if (denominator.some((s) => numeratorKeys.has(selectorKey(s)))) {
    throw new Error('numerator selectors must all be in the denominator or none of them');
  }
  for (const s of denominator) series.push(selectorSeries(s, by, TOTAL_PER_MINUTE / denominator.length, path, minutes));
  return series;
}

/** The value a case aims at: twice the threshold (at most halfway to `max`) above it, half of it below it. */
function targetValue(threshold: number, above: boolean, max: number | undefined): number {
  if (!above) return threshold / 2;
  const high = threshold <= 0 ? (max ?? 2) / 2 : threshold * 2;
  return max === undefined ? high : Math.min(high, (threshold + max) / 2);
}

function selectorsOnly(exprs: readonly CounterExpr[]): MetricSelector[] | undefined {
  return exprs.every(isSelector) ? exprs.filter(isSelector) : undefined;
}

function ratioCase(form: RatioForm, above: boolean, threshold: number, path: NamingPath, minutes: number) {
  const numerator = selectorsOnly(form.numerator);
  const denominator = selectorsOnly(form.denominator);
  if (!numerator || !denominator) return undefined;
  const share = isShare(numerator, denominator);
  const value = targetValue(threshold, above, share ? form.scale : undefined);
  return {
    series: ratioSeries(numerator, denominator, form.by, value / form.scale, path, minutes),
    labels: groupLabels(form.by, undefined),
  };
}

function burnCase(form: BurnRateForm, above: boolean, factor: number, path: NamingPath, minutes: number) {
  if (!isSelector(form.bad)) return undefined;
  const ratio = targetValue(burnLimit(form, factor), above, isShare([form.bad], [form.total]) ? 1 : undefined);
  return { series: ratioSeries([form.bad], [form.total], [], ratio, path, minutes), labels: {} };
}

function expand(template: string, labels: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '');
}

function minutesOf(alert: PrometheusAlert): { evalMinutes: number; minutes: number } {
  const evalMinutes = Math.ceil(durationSeconds(alert.rule.for) / 60) + 12;
  return { evalMinutes, minutes: evalMinutes + 2 };
}

function testGroup(
  alert: PrometheusAlert,
  fires: boolean,
  series: readonly InputSeries[],
  groupLabelValues: Readonly<Record<string, string>>,
  baseUrl: string,
  timing: { interval?: string; evalAt?: string } = {},
): PromtoolTestGroup {
  const { rule, page } = alert;
  const labels = { ...groupLabelValues, ...alertLabels(rule) };
  const annotations = Object.fromEntries(
    Object.entries(alertAnnotations(rule, page, baseUrl)).map(([k, v]) => [k, expand(v, labels)]),
  );
  return {
    interval: timing.interval ?? '1m',
    input_series: series,
    alert_rule_test: [
      {
        eval_time: timing.evalAt ?? `${minutesOf(alert).evalMinutes}m`,
        alertname: rule.alert,
        exp_alerts: fires ? [{ exp_labels: labels, exp_annotations: annotations }] : [],
      },
    ],
  };
}

/**
 * A promtool test group in which `alert` fires (or stays silent), with
 * input series built from the rule data so the outcome holds by
 * construction; `undefined` for a form whose counters combine by more than
 * a sum (its cases are written as data, see {@link caseTestGroup}).
 */
export function alertTestGroup(alert: PrometheusAlert, outcome: Outcome, path: NamingPath, baseUrl: string): PromtoolTestGroup | undefined {
  const { rule, form } = alert;
  const { minutes } = minutesOf(alert);
  const fires = outcome === 'fires';
  const above = (rule.comparator === '>') === fires;
  const built =
    form.kind === 'quantile'
      ? quantileCase(form, above, path, rule.threshold, minutes)
      : form.kind === 'ratio'
        ? ratioCase(form, above, rule.threshold, path, minutes)
        : burnCase(form, above, rule.threshold, path, minutes);
  return built && testGroup(alert, fires, built.series, built.labels, baseUrl);
}

/** The promtool test group of one case written as data on the alert's Prometheus form. */
export function caseTestGroup(alert: PrometheusAlert, testCase: PromtoolCase, path: NamingPath, baseUrl: string): PromtoolTestGroup {
  const by = alertGrouping(alert);
  const { minutes } = minutesOf(alert);
  const series = testCase.series.map((s) => {
    const steady = selectorSeries(s.selector, by, s.perMinute, path, minutes);
    return s.values === undefined ? steady : { ...steady, values: s.values };
  });
  const timing = { ...(testCase.interval ? { interval: testCase.interval } : {}), ...(testCase.evalAt ? { evalAt: testCase.evalAt } : {}) };
  return testGroup(alert, testCase.fires, series, groupLabels(by, undefined), baseUrl, timing);
}

/** Every promtool test group of an alert: the generated pair (when the form allows) and its cases. */
export function alertTestGroups(alert: PrometheusAlert, path: NamingPath, baseUrl: string): PromtoolTestGroup[] {
  const generated = (['fires', 'silent'] as const).map((o) => alertTestGroup(alert, o, path, baseUrl));
  const cases = (alert.form.cases ?? []).map((c) => caseTestGroup(alert, c, path, baseUrl));
  return [...generated.filter((g): g is PromtoolTestGroup => g !== undefined), ...cases];
}
