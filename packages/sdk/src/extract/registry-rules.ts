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

/** How values of several streams of one kind and direction combine (mirrors the registry). */
export const STREAM_AGGREGATION: StreamAggregationRules = {
  packet_loss_pct: 'ratio',
  jitter_ms: 'max',
  rtt_ms: 'max',
  bitrate_kbps: 'sum',
  frame_rate_fps: 'mean',
  frame_height_px: 'max',
  freeze_count: 'sum',
  freeze_time_pct: 'max',
  jitter_buffer_delay_ms: 'ratio',
  concealment_pct: 'ratio',
  quality_limited_pct: 'max',
  packets: 'sum',
  packets_lost: 'sum',
};

/** Which per-stream metrics the registry defines for each stream key. */
export const STREAM_METRIC_KEYS: { readonly [S in StreamKey]: readonly StreamMetricKey<S>[] } = {
  audio_in: [
    'packet_loss_pct', 'jitter_ms', 'bitrate_kbps', 'jitter_buffer_delay_ms', 'concealment_pct', 'packets', 'packets_lost',
  ],
  audio_out: ['packet_loss_pct', 'jitter_ms', 'rtt_ms', 'bitrate_kbps', 'packets', 'packets_lost'],
  video_in: [
    'packet_loss_pct', 'jitter_ms', 'bitrate_kbps', 'frame_rate_fps', 'frame_height_px', 'freeze_count',
    'freeze_time_pct', 'jitter_buffer_delay_ms', 'packets', 'packets_lost',
  ],
  video_out: [
    'packet_loss_pct', 'jitter_ms', 'rtt_ms', 'bitrate_kbps', 'frame_rate_fps', 'frame_height_px',
    'quality_limited_pct', 'packets', 'packets_lost',
  ],
};

/** The registry's known values per label; anything else is sent as `other`. */
export const KNOWN_LABEL_VALUES: { readonly [L in LabelDefinition as L['key']]: L['values'] } = {
  local_candidate_type: ['host', 'srflx', 'prflx', 'relay'],
  remote_candidate_type: ['host', 'srflx', 'prflx', 'relay'],
  relay_protocol: ['udp', 'tcp', 'tls'],
  network_type: ['ethernet', 'wifi', 'cellular', 'vpn', 'wimax', 'bluetooth', 'unknown'],
  quality_limitation_reason: ['none', 'cpu', 'bandwidth', 'other'],
};

/** Spellings older stats implementations used for the same candidate types. */
const CANDIDATE_TYPE_ALIASES: Readonly<Record<string, string>> = {
  local: 'host',
  stun: 'srflx',
  serverreflexive: 'srflx',
  peerreflexive: 'prflx',
  relayed: 'relay',
};

/**
 * A raw label value reduced to the registry's vocabulary: a known value, or
 * `other`. Undefined when there is no value. Never returns free text.
 */
export function labelValue(key: SampleLabelKey, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let value = raw.toLowerCase();
  if (key === 'local_candidate_type' || key === 'remote_candidate_type') value = CANDIDATE_TYPE_ALIASES[value] ?? value;
  const known: readonly string[] = KNOWN_LABEL_VALUES[key];
  return known.includes(value) ? value : 'other';
}
