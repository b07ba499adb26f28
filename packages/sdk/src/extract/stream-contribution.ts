import type { StreamKey } from '@rtcpulse/schema';
import type { AnyStreamMetricKey, RatioMetricKey } from './registry-rules.js';
import type { StatsEntry } from './snapshot.js';
import { counterDelta, num, str, type Interval } from './stats-fields.js';

/** A non-ratio per-stream metric key. */
export type ValueKey = Exclude<AnyStreamMetricKey, RatioMetricKey>;

/** What one RTP stream adds to its stream key before streams are combined. */
export interface StreamContribution {
  readonly stream: StreamKey;
  readonly values: Partial<Record<ValueKey, number>>;
  /** Numerator and denominator of each ratio metric, already scaled to the metric's unit. */
  readonly ratios: Partial<Record<RatioMetricKey, [numerator: number, denominator: number]>>;
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
  const track = entry && interval.current.get(str(entry, 'trackId') ?? '');
  const holder = (field: string): StatsEntry | undefined =>
    num(entry, field) === undefined && track?.type === 'track' ? track : entry;
  return {
    v: (field) => num(holder(field), field),
    d: (field) => counterDelta(interval, holder(field), field),
  };
}

/** A new, empty contribution to `stream`, with setters that keep only finite, non-negative values. */
export function contribution(stream: StreamKey): StreamContribution & {
  set(key: ValueKey, value: number | undefined): void;
  ratio(key: RatioMetricKey, numerator: number | undefined, denominator: number | undefined): void;
} {
  const values: StreamContribution['values'] = {};
  const ratios: StreamContribution['ratios'] = {};
  return {
    stream,
    values,
    ratios,
    set(key, value) {
      if (value !== undefined && value >= 0 && value < Infinity) values[key] = value;
    },
    ratio(key, numerator, denominator) {
      if (numerator !== undefined && denominator !== undefined && denominator > 0 && numerator >= 0) ratios[key] = [numerator, denominator];
    },
  };
}
