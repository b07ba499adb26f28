import type { StreamKey } from '@rtcpulse/schema';
import type { AnyStreamMetricKey, RatioMetricKey } from './registry-rules.js';
import type { StatsEntry } from './snapshot.js';
import { counterDelta, num, str, type Interval } from './stats-fields.js';

/** A non-ratio per-stream metric key. */
export type ValueKey = Exclude<AnyStreamMetricKey, RatioMetricKey>;

/** Per metric of a stream key: [sum, denominator sum, min, max, count] over the RTP streams that gave a value. */
export type MetricTotals = [sum: number, denominator: number, min: number, max: number, count: number];

/** What the RTP streams of one sample add up to, per stream key and metric. */
export type StreamTotals = Partial<Record<StreamKey, Partial<Record<AnyStreamMetricKey, MetricTotals>>>>;

/** What one RTP stream adds to its stream key; only finite, non-negative values are kept. */
export interface StreamContribution {
  set(key: ValueKey, value: number | undefined): void;
  /** Numerator and denominator of a ratio metric, already scaled to the metric's unit. */
  ratio(key: RatioMetricKey, numerator: number | undefined, denominator: number | undefined): void;
}

/** Media kind of an RTP entry: `kind`, else the older `mediaType`. */
export function mediaKind(entry: StatsEntry | undefined): 'audio' | 'video' | undefined {
  const kind = str(entry, 'kind') ?? str(entry, 'mediaType');
  return kind === 'audio' || kind === 'video' ? kind : undefined;
}

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
export function fieldReader(interval: Interval, entry: StatsEntry | undefined): FieldReader {
  const trackId = str(entry, 'trackId');
  const track = trackId ? interval.current.get(trackId) : undefined;
  const holder = (field: string): StatsEntry | undefined =>
    track?.type === 'track' && num(entry, field) === undefined ? track : entry;
  return {
    v: (field) => num(holder(field), field),
    d: (field) => counterDelta(interval, holder(field), field),
  };
}

/** A contribution of one RTP stream to `stream`, added to `totals` as it is set (each key at most once). */
export function contribution(totals: StreamTotals, stream: StreamKey): StreamContribution {
  const group = (totals[stream] ??= {});
  const add = (key: AnyStreamMetricKey, a: number, b: number): void => {
    const acc = (group[key] ??= [0, 0, Infinity, -Infinity, 0]);
    acc[0] += a;
    acc[1] += b;
    acc[2] = Math.min(acc[2], a);
    acc[3] = Math.max(acc[3], a);
    acc[4]++;
  };
  return {
    set(key, value) {
      if (value !== undefined && value >= 0 && value < Infinity) add(key, value, 0);
    },
    ratio(key, numerator, denominator) {
      // Undefined and NaN fail the comparisons.
      if ((denominator as number) > 0 && (numerator as number) >= 0) add(key, numerator as number, denominator as number);
    },
  };
}
