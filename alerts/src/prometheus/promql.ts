import type { BurnRateForm, Duration, MetricSelector, QuantileForm, RatioForm } from '../runbook/types.js';
import { prometheusName, sanitizeName, type NamingPath } from './naming.js';
import { quantileGrouping, requireMetric } from './resolve.js';

/** Quantiles recorded for every histogram metric (alerts may add others). */
export const STANDARD_QUANTILES: readonly number[] = [0.5, 0.95, 0.99];

/** Rate window of the quantile recording rules. */
export const QUANTILE_WINDOW: Duration = '5m';

/** `0.99` → `p99`, `0.5` → `p50`, `0.05` → `p05`, `0.999` → `p99_9`. */
export function quantileTag(q: number): string {
  const pct = +(q * 100).toFixed(6);
  const [whole = '0', fraction] = String(pct).split('.');
  return `p${whole.padStart(2, '0')}${fraction ? `_${fraction}` : ''}`;
}

/** `{a="x",b="y"}` or '' for no matchers; keys sorted for stable output. */
export function matcherText(matchers: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(matchers ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

/** Name of the recording rule holding quantile `q` of a histogram metric. */
export function quantileRecordName(metricName: string, q: number, path: NamingPath): string {
  const metric = requireMetric(metricName);
  return `rtcpulse:${prometheusName(metric, path)}:${quantileTag(q)}_${QUANTILE_WINDOW}`;
}

/** `histogram_quantile(q, sum by (le, …) (rate(<bucket>[5m])))`. */
export function quantileRecordExpr(metricName: string, q: number, path: NamingPath): string {
  const metric = requireMetric(metricName);
  const by = ['le', ...quantileGrouping(metric)].join(', ');
  return `histogram_quantile(${q}, sum by (${by}) (rate(${prometheusName(metric, path)}_bucket[${QUANTILE_WINDOW}])))`;
}

function comparison(op: string, threshold: number): string {
  return `${op} ${threshold}`;
}

/** Alert expression of a quantile form. */
export function quantileAlertExpr(form: QuantileForm, op: string, threshold: number, path: NamingPath): string {
  return `${quantileRecordName(form.metric, form.quantile, path)}${matcherText(form.matchers)} ${comparison(op, threshold)}`;
}

/** The series a selector reads: the metric family, or its `_count` for a histogram observation count. */
export function selectorSeriesName(selector: MetricSelector, path: NamingPath): string {
  const name = prometheusName(requireMetric(selector.metric), path);
  return selector.series === 'count' ? `${name}_count` : name;
}

function rateSum(selector: MetricSelector, by: readonly string[], window: Duration, path: NamingPath): string {
  const grouping = by.length > 0 ? ` by (${by.join(', ')})` : '';
  return `sum${grouping} (rate(${selectorSeriesName(selector, path)}${matcherText(selector.matchers)}[${window}]))`;
}

function rateSums(selectors: readonly MetricSelector[], by: readonly string[], window: Duration, path: NamingPath): string {
  const terms = selectors.map((s) => rateSum(s, by, window, path));
  return terms.length === 1 ? (terms[0] ?? '') : `(${terms.join(' + ')})`;
}

/** Alert expression of a ratio form. */
export function ratioAlertExpr(form: RatioForm, op: string, threshold: number, path: NamingPath): string {
  const ratio = `${rateSums(form.numerator, form.by, form.window, path)} / ${rateSums(form.denominator, form.by, form.window, path)}`;
  const scaled = form.scale === 1 ? ratio : `(${ratio}) * ${form.scale}`;
  return `${scaled} ${comparison(op, threshold)}`;
}

/** Name of the recording rule holding an SLO's error ratio over `window`. */
export function errorRatioRecordName(slo: string, window: Duration): string {
  return `rtcpulse:slo_${sanitizeName(slo)}:error_ratio_rate${window}`;
}

/** `sum(rate(bad[w])) / sum(rate(total[w]))`. */
export function errorRatioExpr(form: BurnRateForm, window: Duration, path: NamingPath): string {
  return `${rateSum(form.bad, [], window, path)} / ${rateSum(form.total, [], window, path)}`;
}

/** Burn-rate alert: both windows' error ratios above factor × budget. */
export function burnAlertExpr(form: BurnRateForm, factor: number): string {
  const limit = burnLimit(form, factor);
  return `${errorRatioRecordName(form.slo, form.longWindow)} > ${limit} and ${errorRatioRecordName(form.slo, form.shortWindow)} > ${limit}`;
}

/** factor × (1 − objective), rounded so the rule text carries no float noise. */
export function burnLimit(form: BurnRateForm, factor: number): number {
  return +(factor * (1 - form.objective)).toFixed(9);
}
