import { createAllowListAttributesProcessor, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { METRICS, otelAttributeKey, type MetricDefinition } from '@rtcpulse/schema';

const registry: readonly MetricDefinition[] = METRICS;

/** The OpenTelemetry attribute keys a metric may carry: its registry attributes, renamed. */
export function allowedAttributeKeys(metric: MetricDefinition): string[] {
  return metric.attributes.map(otelAttributeKey);
}

/**
 * One view per registry gauge (the meter's only instruments; histograms and
 * counters are aggregated by `RegistryAggregates`, which applies the same
 * rules itself): only the metric's registry attributes pass (everything else
 * a caller attaches is dropped), and no metric keeps more than
 * `cardinalityLimit` attribute sets (the excess folds into one series
 * labelled `otel.metric.overflow=true`).
 */
export function gaugeViews(cardinalityLimit: number): ViewOptions[] {
  return registry.filter((metric) => metric.instrument === 'gauge').map((metric) => ({
    instrumentName: metric.name,
    attributesProcessors: [createAllowListAttributesProcessor(allowedAttributeKeys(metric))],
    aggregationCardinalityLimit: cardinalityLimit,
  }));
}
