import type { StreamKey } from '@rtcpulse/schema';
import { MAX_KEYS, type AnyStreamMetricKey, type KeysAggregatedBy, type RatioMetricKey } from './registry-rules.js';
import type { StatsEntry } from './snapshot.js';
import { counterDelta, num, str, type Interval } from './stats-fields.js';

/** A per-stream metric key set as a plain value: not a ratio or a mean, nor the MOS (a min, derived after the streams are combined). */
export type ValueKey = Exclude<AnyStreamMetricKey, RatioMetricKey | MeanKey | KeysAggregatedBy<'min'>>;

/** A per-stream metric combined as the mean over the streams (`MEAN_KEYS`): set as a ratio with denominator 1. */
export type MeanKey = KeysAggregatedBy<'mean'>;

/**
 * What the RTP streams of one stream key add up to so far: per metric, the
 * combined value (`v`: the sum, or the max for metrics the registry
 * combines so) and what it is divided by when the sample is made (`n`: the
 * sum of denominators of a ratio metric, the count of a mean one; absent
 * for the others).
 */
export interface StreamAccumulator {
  /** By per-stream metric key (the keys `set` and `ratio` take). */
  v: Record<string, number | undefined>;
  n: Record<string, number | undefined>;
}

/** What the RTP streams of one sample add up to, per stream key. */
export type StreamTotals = Partial<Record<StreamKey, StreamAccumulator>>;

/** What one RTP stream adds to its stream key; only finite, non-negative values are kept. */
export interface StreamContribution {
  set(key: ValueKey, value: number | undefined): void;
  /** Numerator and denominator of a ratio metric, already scaled to the metric's unit. */
  ratio(key: RatioMetricKey | MeanKey, numerator: number | undefined, denominator: number | undefined): void;
}

/** Media kind of an RTP entry: `kind`, else the older `mediaType`. */
export const mediaKind = (entry: StatsEntry | undefined): 'audio' | 'video' | undefined => {
  const kind = str(entry, 'kind') ?? str(entry, 'mediaType');
  return kind == 'audio' || kind == 'video' ? kind : undefined;
};

/** Reads one entry's fields: current value and interval delta. */
export interface FieldReader {
  /** Current value of the field. */
  v(field: string): number | undefined;
  /** Increase of the cumulative field over the interval. */
  d(field: string): number | undefined;
}

/**
 * Reads fields from an entry or, where the browser still keeps them on the
 * legacy `track` stats (Safari, Chrome before 112), from the track the entry
 * links to through `trackId`.
 */
export const fieldReader = (interval: Interval, entry: StatsEntry | undefined): FieldReader => {
  const trackId = str(entry, 'trackId');
  const track = trackId ? interval.current.get(trackId) : undefined;
  const holder = (field: string): StatsEntry | undefined =>
    track?.type == 'track' && num(entry, field) === undefined ? track : entry;
  return {
    v: (field) => num(holder(field), field),
    d: (field) => counterDelta(interval, holder(field), field),
  };
};

/**
 * A contribution of one RTP stream to `stream`, added to `totals` as it is
 * set (each key at most once per contribution). Plain objects and one
 * lookup per value: this runs for every field of every RTP stream of every
 * sample, mostly before the JavaScript engine has optimised it.
 */
export const contribution = (totals: StreamTotals, stream: StreamKey): StreamContribution => {
  const { v, n } = (totals[stream] ??= { v: {}, n: {} });
  const add = (key: AnyStreamMetricKey, a: number | undefined, b: number): void => {
    // Undefined and NaN fail the comparisons.
    if ((a as number) >= 0 && (a as number) < Infinity) {
      const old = v[key];
      v[key] = old === undefined ? a : (MAX_KEYS as readonly string[]).includes(key) ? Math.max(old, a!) : old + a!;
      if (b) n[key] = (n[key] || 0) + b;
    }
  };
  return {
    set: (key, value) => add(key, value, 0),
    ratio: (key, numerator, denominator) => (denominator as number) > 0 && add(key, numerator, denominator as number),
  };
};
