import type { StreamKey } from '@rtcpulse/schema';
import type { AnyStreamMetricKey, RatioMetricKey } from './registry-rules.js';
import type { StatsEntry } from './snapshot.js';
import { counterDelta, num, str, type Interval } from './stats-fields.js';

/** Numerator and denominator of a ratio metric, already scaled to the metric's unit. */
export interface RatioParts {
  numerator: number;
  denominator: number;
}

/** What one RTP stream adds to its stream key before streams are combined. */
export interface StreamContribution {
  readonly stream: StreamKey;
  readonly values: Partial<Record<Exclude<AnyStreamMetricKey, RatioMetricKey>, number>>;
  readonly ratios: Partial<Record<RatioMetricKey, RatioParts>>;
}

/** Media kind of an RTP entry: `kind`, else the older `mediaType`. */
export function mediaKind(entry: StatsEntry): 'audio' | 'video' | undefined {
  const kind = str(entry, 'kind') ?? str(entry, 'mediaType');
  return kind === 'audio' || kind === 'video' ? kind : undefined;
}

/**
 * Reads a field from an RTP entry or, where this browser still keeps it on
 * the legacy `track` stats (Safari, Chrome before 112), from the track the
 * entry links to through `trackId`.
 */
export class FieldSource {
  private readonly track: StatsEntry | undefined;

  constructor(
    private readonly interval: Interval,
    private readonly entry: StatsEntry,
  ) {
    const trackId = str(entry, 'trackId');
    const track = trackId === undefined ? undefined : interval.current.get(trackId);
    this.track = track?.type === 'track' ? track : undefined;
  }

  private holder(field: string): StatsEntry | undefined {
    if (num(this.entry, field) !== undefined) return this.entry;
    return num(this.track, field) !== undefined ? this.track : undefined;
  }

  /** Current value of the field. */
  value(field: string): number | undefined {
    return num(this.holder(field), field);
  }

  /** Increase of the cumulative field over the interval (see {@link counterDelta}). */
  delta(field: string): number | undefined {
    const holder = this.holder(field);
    return holder === undefined ? undefined : counterDelta(this.interval, holder, field);
  }
}

/** A ratio with a positive denominator, else undefined. */
export function ratio(numerator: number | undefined, denominator: number | undefined): RatioParts | undefined {
  if (numerator === undefined || denominator === undefined || denominator <= 0 || numerator < 0) return undefined;
  return { numerator, denominator };
}

/** Assigns only defined, finite, non-negative values. */
export function setValue<K extends string>(target: Partial<Record<K, number>>, key: K, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value) && value >= 0) target[key] = value;
}
