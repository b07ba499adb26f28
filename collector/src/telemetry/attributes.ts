import type { Attributes } from '@opentelemetry/api';
import { otelAttributeKey, type MetricAttribute } from '@rtcpulse/schema';

/** Attribute values keyed by registry attribute name; absent or empty values are left out. */
export type RegistryAttributes = Partial<Record<MetricAttribute, string | undefined>>;

/** Rename registry attributes to their OpenTelemetry keys, dropping empty values. */
export function toOtelAttributes(attributes: RegistryAttributes): Attributes {
  const result: Attributes = {};
  for (const [name, value] of Object.entries(attributes) as [MetricAttribute, string | undefined][]) {
    if (value !== undefined && value !== '') result[otelAttributeKey(name)] = value;
  }
  return result;
}
