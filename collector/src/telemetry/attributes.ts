import type { Attributes } from '@opentelemetry/api';
import {
  AUDIT_ACTIONS,
  BROWSER_FAMILIES,
  COMPLAINTS,
  END_REASONS,
  ERROR_NAMES,
  ERROR_STAGES,
  ICE_RESTART_STATES,
  OS_FAMILIES,
  SAMPLE_LABELS,
  TOPOLOGIES,
  otelAttributeKey,
  type MetricAttribute,
} from '@rtcpulse/schema';
import type { AttributeSet } from './aggregation.js';

/** Attribute values keyed by registry attribute name; absent or empty values are left out. */
export type RegistryAttributes = Partial<Record<MetricAttribute, string | undefined>>;

const labelValues = (key: string): readonly string[] => SAMPLE_LABELS.find((label) => label.key === key)?.values ?? [];

/**
 * Attributes whose values the registry lists, with the value that stands for
 * anything else a client sends: free text there cannot open new series (each
 * metric's attribute sets are capped, and one client's junk would use up
 * everyone's share). The two open ones, region and SDK version, are bounded
 * by `client-attributes.ts`.
 */
const CLOSED_ATTRIBUTES: Partial<Record<MetricAttribute, { readonly known: ReadonlySet<string>; readonly otherwise: string }>> = {
  'candidate.type': { known: new Set(labelValues('local_candidate_type')), otherwise: 'other' },
  'network.type': { known: new Set(labelValues('network_type')), otherwise: 'other' },
  'relay.protocol': { known: new Set(labelValues('relay_protocol')), otherwise: 'other' },
  'error.name': { known: new Set(ERROR_NAMES), otherwise: 'other' },
  // The SDK lets an app name its own stages (`reportError`): in metrics they are the app's.
  'error.stage': { known: new Set(ERROR_STAGES), otherwise: 'app' },
  'audit.action': { known: new Set(AUDIT_ACTIONS), otherwise: 'other' },
  complaint: { known: new Set(COMPLAINTS), otherwise: 'other' },
  browser: { known: new Set(BROWSER_FAMILIES), otherwise: 'other' },
  os: { known: new Set(OS_FAMILIES), otherwise: 'other' },
  topology: { known: new Set(TOPOLOGIES), otherwise: 'other' },
  // A client event's outcome: an ICE restart's state or a session's end reason.
  outcome: { known: new Set([...ICE_RESTART_STATES, ...END_REASONS]), otherwise: 'other' },
};

/**
 * A client-sent value of `attribute` as a metric attribute: for attributes
 * with a registry list, a listed value as is and anything else as the
 * list's stand-in (`other`, or `app` for error stages); other attributes as
 * sent. `undefined` when nothing was sent.
 */
export function attributeValue(attribute: MetricAttribute, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const closed = CLOSED_ATTRIBUTES[attribute];
  return !closed || closed.known.has(value) ? value : closed.otherwise;
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
