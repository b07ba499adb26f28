import { METRICS, type MetricAttribute, type MetricDefinition } from '@rtcpulse/schema';
import type { CounterExpr, MetricSelector, PrometheusForm } from '../runbook/types.js';
import { exprSelectors } from './counter-expr.js';
import { labelName } from './naming.js';

/** Find a registry metric by its OpenTelemetry name. */
export function registryMetric(name: string): MetricDefinition | undefined {
  const registry: readonly MetricDefinition[] = METRICS;
  return registry.find((m) => m.name === name);
}

/**
 * The labels a quantile keeps: region, plus media kind and direction for
 * per-stream metrics (the attributes the dashboards break percentiles by).
 */
export function quantileGrouping(metric: MetricDefinition): string[] {
  const wanted: readonly MetricAttribute[] = ['region', 'media.kind', 'direction'];
  return wanted.filter((a) => metric.attributes.includes(a)).map(labelName);
}

/** Why a Prometheus form cannot be generated from the current registry, or `undefined` when it can. */
export function unresolvedReason(form: PrometheusForm): string | undefined {
  const need = (selector: MetricSelector, instrument: string): string | undefined => {
    const metric = registryMetric(selector.metric);
    const wanted = selector.series === 'count' ? 'histogram' : instrument;
    if (!metric) return `metric ${selector.metric} is not in the registry`;
    if (metric.instrument !== wanted) return `metric ${selector.metric} is a ${metric.instrument}, not a ${wanted}`;
    return undefined;
  };
  const all = (exprs: readonly CounterExpr[]): string | undefined =>
    exprs.flatMap(exprSelectors).map((s) => need(s, 'counter')).find((r) => r !== undefined);
  switch (form.kind) {
    case 'quantile':
      return need(form, 'histogram') ?? (registryMetric(form.metric)?.buckets ? undefined : `metric ${form.metric} has no buckets`);
    case 'ratio':
      return all(form.numerator) ?? all(form.denominator) ?? all(form.anchor ? [form.anchor] : []);
    case 'burn-rate':
      return all([form.bad, form.total]);
  }
}

/** A registry metric that must exist (the caller checked {@link unresolvedReason}). */
export function requireMetric(name: string): MetricDefinition {
  const metric = registryMetric(name);
  if (!metric) throw new Error(`metric ${name} is not in the registry`);
  return metric;
}
