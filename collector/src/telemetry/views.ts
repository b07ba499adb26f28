import { AggregationType, createAllowListAttributesProcessor, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { METRICS, otelAttributeKey, type MetricDefinition } from '@rtcpulse/schema';

const registry: readonly MetricDefinition[] = METRICS;

/** The OpenTelemetry attribute keys a metric may carry: its registry attributes, renamed. */
export function allowedAttributeKeys(metric: MetricDefinition): string[] {
  return metric.attributes.map(otelAttributeKey);
}

/**
 * One view per registry metric: only the metric's registry attributes pass
 * (everything else a caller attaches is dropped), histograms use the
 * registry's explicit buckets, and no metric keeps more than
 * `cardinalityLimit` attribute sets (the excess folds into one series
 * labelled `otel.metric.overflow=true`).
 */
export function registryViews(cardinalityLimit: number): ViewOptions[] {
  return registry.map((metric) => ({
    instrumentName: metric.name,
    attributesProcessors: [createAllowListAttributesProcessor(allowedAttributeKeys(metric))],
    aggregationCardinalityLimit: cardinalityLimit,
    ...(metric.instrument === 'histogram'
      ? {
          aggregation: {
            type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
            options: { boundaries: [...(metric.buckets ?? [])], recordMinMax: true },
          },
        }
      : {}),
  }));
}
