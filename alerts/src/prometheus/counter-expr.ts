import type { CounterExpr, Duration, MetricSelector } from '../runbook/types.js';
import { prometheusName, type NamingPath } from './naming.js';
import { requireMetric } from './resolve.js';

/** `{a="x",b="y"}` or '' for no matchers; keys sorted for stable output. */
export function matcherText(matchers: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(matchers ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

/** The series a selector reads: the metric family, or its `_count` for a histogram observation count. */
export function selectorSeriesName(selector: MetricSelector, path: NamingPath): string {
  const name = prometheusName(requireMetric(selector.metric), path);
  return selector.series === 'count' ? `${name}_count` : name;
}

/** True for a plain counter selector (the leaves of a {@link CounterExpr}). */
export function isSelector(expr: CounterExpr): expr is MetricSelector {
  return 'metric' in expr;
}

/** Every selector of an expression, in order of appearance (repeats kept). */
export function exprSelectors(expr: CounterExpr): MetricSelector[] {
  if (isSelector(expr)) return [expr];
  switch (expr.op) {
    case 'sum':
      return expr.terms.flatMap(exprSelectors);
    case 'minus':
      return [...exprSelectors(expr.left), ...exprSelectors(expr.right)];
    case 'least':
      return expr.of.flatMap(exprSelectors);
    case 'scaled':
      return exprSelectors(expr.expr);
  }
}

/** Key identifying a selector (metric, series and matchers). */
export function selectorKey(selector: MetricSelector): string {
  return `${selector.metric}|${selector.series ?? ''}|${matcherText(selector.matchers)}`;
}

/** Distinct selectors of several expressions, first appearance first. */
export function distinctSelectors(exprs: readonly CounterExpr[]): MetricSelector[] {
  const seen = new Map<string, MetricSelector>();
  for (const s of exprs.flatMap(exprSelectors)) if (!seen.has(selectorKey(s))) seen.set(selectorKey(s), s);
  return [...seen.values()];
}

/** How one rule renders its counters: grouping, window, naming path and the zero for missing series. */
export interface RateContext {
  readonly by: readonly string[];
  readonly window: Duration;
  readonly path: NamingPath;
  /** Selectors whose series make a group exist; a missing term is zero where any of them exists. */
  readonly anchors: readonly MetricSelector[];
  /**
   * Per second (`rate`, the default), or `growth`: what each series grew by
   * over the window, exactly: its value now minus its last value in the ten
   * minutes before the window (so a scrape gap then does not hide it), or
   * its whole value for a series younger than the window or reset since
   * (a collector restart: what it counted since). `increase()` would
   * extrapolate a young series' count to the whole window: four events read
   * as five or more.
   */
  readonly fn?: 'rate' | 'growth';
}

/** `sum by (…) (rate(<series>{…}[w]))`, or each series' exact growth over `w` when the context asks for it. */
export function rateSum(selector: MetricSelector, ctx: Pick<RateContext, 'by' | 'window' | 'path' | 'fn'>): string {
  const grouping = ctx.by.length > 0 ? ` by (${ctx.by.join(', ')})` : '';
  const series = `${selectorSeriesName(selector, ctx.path)}${matcherText(selector.matchers)}`;
  if (ctx.fn === 'growth') return `sum${grouping} (((${series} - last_over_time(${series}[10m] offset ${ctx.window})) >= 0) or ${series})`;
  return `sum${grouping} (rate(${series}[${ctx.window}]))`;
}

/**
 * A zero for every group in which an anchor series exists, with the
 * grouping labels (`0 * (a or b)`): what `or` adds for a missing term.
 */
export function zeroVector(ctx: RateContext): string {
  const anchors = ctx.anchors.map((a) => rateSum(a, ctx));
  return `0 * ${anchors.length === 1 ? anchors[0] : `(${anchors.join(' or ')})`}`;
}

function filled(selector: MetricSelector, ctx: RateContext): string {
  const own = selectorKey(selector);
  // A lone anchor stands for itself: filling it with its own zero changes nothing.
  if (ctx.anchors.length === 1 && ctx.anchors.some((a) => selectorKey(a) === own)) return rateSum(selector, ctx);
  return `(${rateSum(selector, ctx)} or ${zeroVector(ctx)})`;
}

/**
 * PromQL for a counter expression. `fill` says whether a selector at the
 * top must count as zero when its series is missing; inside a composite
 * every selector does (PromQL's `a + b` is empty where `b` is).
 */
export function renderCounterExpr(expr: CounterExpr, ctx: RateContext, fill: boolean): string {
  if (isSelector(expr)) return fill ? filled(expr, ctx) : rateSum(expr, ctx);
  switch (expr.op) {
    case 'sum': {
      if (expr.terms.length === 1 && expr.terms[0]) return renderCounterExpr(expr.terms[0], ctx, fill);
      return `(${expr.terms.map((t) => renderCounterExpr(t, ctx, true)).join(' + ')})`;
    }
    case 'minus':
      return `clamp_min(${renderCounterExpr(expr.left, ctx, true)} - ${renderCounterExpr(expr.right, ctx, true)}, 0)`;
    case 'least': {
      // PromQL has no element-wise min: keep `a` where it is not above `b`, else take `b`.
      const [a, b] = expr.of.map((t) => renderCounterExpr(t, ctx, true));
      return `((${a} <= ${b}) or ${b})`;
    }
    case 'scaled':
      return `(${renderCounterExpr(expr.expr, ctx, true)} * ${expr.times} / ${expr.per})`;
  }
}

/** PromQL for the sum of several counter expressions (a ratio's numerator or denominator). */
export function renderCounterSum(terms: readonly CounterExpr[], ctx: RateContext, fill: boolean): string {
  return renderCounterExpr(terms.length === 1 && terms[0] ? terms[0] : { op: 'sum', terms }, ctx, fill);
}
