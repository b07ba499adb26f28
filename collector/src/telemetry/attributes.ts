import type { Attributes } from '@opentelemetry/api';
import { SAMPLE_LABELS, otelAttributeKey, type MetricAttribute } from '@rtcpulse/schema';
import type { AttributeSet } from './aggregation.js';

/** Attribute values keyed by registry attribute name; absent or empty values are left out. */
export type RegistryAttributes = Partial<Record<MetricAttribute, string | undefined>>;

/** Candidate types the registry knows (the values of the `local_candidate_type` sample label). */
const CANDIDATE_TYPES: ReadonlySet<string> = new Set(SAMPLE_LABELS.find((label) => label.key === 'local_candidate_type')?.values ?? []);

/**
 * A client-sent candidate type as the `candidate.type` attribute: a type the
 * registry knows as is, `other` for any other text (so free text cannot
 * open new series), `undefined` when none was sent.
 */
export function candidateTypeAttribute(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return CANDIDATE_TYPES.has(value) ? value : 'other';
}

/** Rename registry attributes to their OpenTelemetry keys, dropping empty values. */
export function toOtelAttributes(attributes: RegistryAttributes): Attributes {
  const result: Attributes = {};
  for (const [name, value] of Object.entries(attributes) as [MetricAttribute, string | undefined][]) {
    if (value !== undefined && value !== '') result[otelAttributeKey(name)] = value;
  }
  return result;
}

/**
 * Turns registry attributes into one metric's attribute set: only the
 * metric's allowed attributes, renamed to their OpenTelemetry keys, empty
 * values dropped. The set is frozen and shared between calls with the same
 * allowed values, under a short string key that the aggregation looks its
 * series up by. Each input object's set is remembered (weakly), so the
 * many metrics that share an attributes object and an allow-list resolve it
 * once. The cache is cleared when it holds `maxEntries` sets,
 * which bounds its memory whatever the input cardinality (keys stay the
 * same, so series do not split).
 */
export class AllowedAttributeCache {
  private readonly names: readonly MetricAttribute[];
  private readonly keys: readonly string[];
  private readonly cache = new Map<string, AttributeSet>();
  private readonly resolved = new WeakMap<RegistryAttributes, AttributeSet>();
  private lastInput: RegistryAttributes | undefined;
  private lastSet: AttributeSet | undefined;

  constructor(
    allowed: readonly MetricAttribute[],
    private readonly maxEntries: number,
  ) {
    this.names = [...allowed];
    this.keys = allowed.map(otelAttributeKey);
  }

  /** The shared attribute set for `attributes` (treat the input as immutable once passed). */
  get(attributes: RegistryAttributes): AttributeSet {
    if (attributes === this.lastInput && this.lastSet) return this.lastSet;
    const known = this.resolved.get(attributes);
    if (known) {
      this.lastInput = attributes;
      this.lastSet = known;
      return known;
    }
    let key = '';
    for (const name of this.names) {
      const value = attributes[name];
      key += value === undefined ? '\u0000' : `${value}\u0000`;
    }
    let set = this.cache.get(key);
    if (!set) {
      const built: Attributes = {};
      for (let i = 0; i < this.names.length; i++) {
        const value = attributes[this.names[i] as MetricAttribute];
        if (value !== undefined && value !== '') built[this.keys[i] as string] = value;
      }
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      set = { key, attributes: Object.freeze(built) };
      this.cache.set(key, set);
    }
    this.resolved.set(attributes, set);
    this.lastInput = attributes;
    this.lastSet = set;
    return set;
  }
}
