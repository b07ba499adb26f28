import type { BurnRateForm, Comparator, Duration, QuantileForm, RatioForm } from '../runbook/types.js';
import { distinctSelectors, matcherText, renderCounterExpr, renderCounterSum, type RateContext } from './counter-expr.js';
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

/** How a ratio form's counters render on `path`: the zero for a missing term comes from its anchor, else its denominator. */
export function ratioContext(form: RatioForm, path: NamingPath): RateContext {
  return { by: form.by, window: form.window, path, anchors: form.anchor ? [form.anchor] : distinctSelectors(form.denominator) };
}

/**
 * Alert expression of a ratio form: numerator over a denominator above
 * zero (a zero denominator gives no value rather than +Inf or NaN). A
 * rule that fires below its threshold counts a missing numerator as zero.
 */
export function ratioAlertExpr(form: RatioForm, op: Comparator, threshold: number, path: NamingPath): string {
  const ctx = ratioContext(form, path);
  const numerator = renderCounterSum(form.numerator, ctx, op === '<');
  const denominator = renderCounterSum(form.denominator, ctx, false);
  const ratio = `${numerator} / (${denominator} > 0)`;
  const scaled = form.scale === 1 ? ratio : `(${ratio}) * ${form.scale}`;
  return `${scaled} ${comparison(op, threshold)}`;
}

/** Name of the recording rule holding an SLO's error ratio over `window`. */
export function errorRatioRecordName(slo: string, window: Duration): string {
  return `rtcpulse:slo_${sanitizeName(slo)}:error_ratio_rate${window}`;
}

/** `bad / total` over `window`; a counter missing inside `bad` counts as zero wherever `total` exists. */
export function errorRatioExpr(form: BurnRateForm, window: Duration, path: NamingPath): string {
  const ctx: RateContext = { by: [], window, path, anchors: [form.total] };
  return `${renderCounterExpr(form.bad, ctx, false)} / (${renderCounterExpr(form.total, ctx, false)} > 0)`;
}

/** Name of the recording rule holding an SLO's bad events over `window` (a count). */
export function badEventsRecordName(slo: string, window: Duration): string {
  return `rtcpulse:slo_${sanitizeName(slo)}:bad_events${window}`;
}

/** The SLO's bad events over `window`, counted exactly (see `RateContext.fn`: `increase()` would extrapolate four events past five). */
export function badEventsExpr(form: BurnRateForm, window: Duration, path: NamingPath): string {
  const ctx: RateContext = { by: [], window, path, anchors: [form.total], fn: 'growth' };
  return renderCounterExpr(form.bad, ctx, false);
}

/**
 * Burn-rate alert: both windows' error ratios above factor × budget, and at
 * least `minBad` bad events over the long window.
 */
export function burnAlertExpr(form: BurnRateForm, factor: number): string {
  const limit = burnLimit(form, factor);
  return `${errorRatioRecordName(form.slo, form.longWindow)} > ${limit} and ${errorRatioRecordName(form.slo, form.shortWindow)} > ${limit} and ${badEventsRecordName(form.slo, form.longWindow)} >= ${form.minBad}`;
}

/** factor × (1 − objective), rounded so the rule text carries no float noise. */
export function burnLimit(form: BurnRateForm, factor: number): number {
  return +(factor * (1 - form.objective)).toFixed(9);
}
