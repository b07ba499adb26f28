import type { METRICS, SAMPLE_LABELS, SampleLabelKey, StreamKey, StreamMetricKey } from '@rtcpulse/schema';

// The SDK may not bundle the schema runtime, so the rules it needs are copied
// here; the types below make the compiler reject any drift from the registry.

type StreamMetricDefinition = Extract<(typeof METRICS)[number], { scope: 'stream' }>;
type LabelDefinition = (typeof SAMPLE_LABELS)[number];

/** Any per-stream metric key of the registry. */
export type AnyStreamMetricKey = StreamMetricKey<StreamKey>;

/** The registry's combination rule for each per-stream metric. */
export type StreamAggregationRules = { [M in StreamMetricDefinition as M['key']]: M['aggregation'] };

/** Per-stream metrics combined as sum of numerators over sum of denominators. */
export type RatioMetricKey = {
  [K in keyof StreamAggregationRules]: StreamAggregationRules[K] extends 'ratio' ? K : never;
}[keyof StreamAggregationRules];

/** Per-stream metric keys whose registry aggregation is `A`. */
export type KeysAggregatedBy<A> = { [K in keyof StreamAggregationRules]: StreamAggregationRules[K] extends A ? K : never }[keyof StreamAggregationRules];

/**
 * How values of several streams of one kind and direction combine, mirroring
 * the registry: ratio metrics are the ones set as ratios, these lists name
 * the `max`, `mean` and `min` ones, and every other metric is summed. The
 * types reject a key with another rule; a unit test checks the lists are
 * complete against the registry.
 */
export const MAX_KEYS: readonly KeysAggregatedBy<'max'>[] = [
  'jitter_ms', 'rtt_ms', 'frame_height_px', 'freeze_time_pct', 'quality_limited_pct',
  'quality_limited_cpu_pct', 'quality_limited_bandwidth_pct', 'audio_level',
];
export const MEAN_KEYS: readonly KeysAggregatedBy<'mean'>[] = ['frame_rate_fps'];
export const MIN_KEYS: readonly KeysAggregatedBy<'min'>[] = ['mos'];

const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;

/**
 * The registry's known values per label; anything else is sent as `other`.
 * `scalability_mode` is checked by shape instead (see {@link labelValue}) to
 * keep its 21 modes out of the bundle; `noise_suppression` and
 * `auto_gain_control` are set by the SDK itself, never from stats.
 */
export const KNOWN_LABEL_VALUES: { readonly [L in LabelDefinition as L['key']]?: readonly L['values'][number][] } = {
  local_candidate_type: CANDIDATE_TYPES,
  remote_candidate_type: CANDIDATE_TYPES,
  relay_protocol: ['udp', 'tcp', 'tls'],
  network_type: ['ethernet', 'wifi', 'cellular', 'vpn', 'wimax', 'bluetooth', 'unknown'],
  quality_limitation_reason: ['none', 'cpu', 'bandwidth', 'other'],
};

/** The registry's scalability modes: L1T1..L3T3, L2/L3 with _KEY, S2/S3 (lower case). */
export const SCALABILITY_MODE = /^(l[1-3]t[1-3]|l[23]t[1-3]_key|s[23]t[1-3])$/;

/**
 * A raw label value reduced to the registry's vocabulary: a known value, or
 * `other`. Undefined when there is no value. Never returns free text.
 */
export const labelValue = (key: SampleLabelKey, raw: string | undefined): string | undefined => {
  if (!raw) return undefined;
  const value = raw.toLowerCase();
  if (key == 'scalability_mode') return SCALABILITY_MODE.test(value) ? value : 'other';
  const known: readonly string[] = KNOWN_LABEL_VALUES[key] ?? [];
  return known.includes(value) ? value : 'other';
};
