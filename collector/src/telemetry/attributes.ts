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

/**
 * Turns registry attributes into one metric's OpenTelemetry attributes:
 * only the metric's allowed attributes, renamed, empty values dropped. The
 * result is frozen and shared between calls with the same allowed values
 * (looked up by a short string key), so hot paths neither rebuild nor
 * re-rename it. The cache is cleared when it holds `maxEntries` sets, which
 * bounds its memory whatever the input cardinality.
 */
export class AllowedAttributeCache {
  private readonly names: readonly MetricAttribute[];
  private readonly keys: readonly string[];
  private readonly cache = new Map<string, Attributes>();

  constructor(
    allowed: readonly MetricAttribute[],
    private readonly maxEntries: number,
  ) {
    this.names = [...allowed];
    this.keys = allowed.map(otelAttributeKey);
  }

  /** The shared, frozen OpenTelemetry attributes for `attributes`. */
  get(attributes: RegistryAttributes): Attributes {
    let key = '';
    for (const name of this.names) key += `${attributes[name] ?? ''}\u0000`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const built: Attributes = {};
    for (let i = 0; i < this.names.length; i++) {
      const value = attributes[this.names[i] as MetricAttribute];
      if (value !== undefined && value !== '') built[this.keys[i] as string] = value;
    }
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(key, Object.freeze(built));
    return built;
  }
}
