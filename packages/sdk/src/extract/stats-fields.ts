import type { StatsEntry, StatsSnapshot } from './snapshot.js';

/** A finite number field of an entry, else undefined (some old browsers send numbers as strings). */
export const num = (entry: StatsEntry | undefined, field: string): number | undefined => {
  const value = entry?.[field];
  const n = typeof value == 'number' ? value : typeof value == 'string' && value.trim() ? +value : NaN;
  // Only a finite number minus itself is 0 (NaN and ±Infinity give NaN).
  return n - n == 0 ? n : undefined;
};

/** A non-empty string field of an entry, else undefined. */
export const str = (entry: StatsEntry | undefined, field: string): string | undefined => {
  const value = entry?.[field];
  return typeof value == 'string' && value ? value : undefined;
};

/** The entry with this id when it has the wanted type; undefined without an id (callers pass `str()` results: never empty). */
export const entryOfType = (snapshot: StatsSnapshot, id: string | undefined, type: string): StatsEntry | undefined => {
  const entry = (id && snapshot.get(id)) as StatsEntry | undefined;
  return entry?.type === type ? entry : undefined;
};

/** Entries of one stats type, in report order. */
export const entriesOfType = (snapshot: StatsSnapshot, type: string): StatsEntry[] => {
  const found: StatsEntry[] = [];
  for (const entry of snapshot.values()) if (entry.type === type) found.push(entry);
  return found;
};

/**
 * Rounds for the wire to about 3 significant digits, by arithmetic (no
 * string conversion): whole numbers from 100, 1 decimal from 10, 2 from 1,
 * 3 below (1546.07 → 1546, 45.678 → 45.7, 0.01234 → 0.012). Precision beyond
 * the measurement's own noise only costs upload bytes. Undefined for
 * anything not finite.
 */
export const round = (value: number | undefined): number | undefined => {
  // Only a finite number minus itself is 0.
  if ((value as number) - (value as number) != 0) return undefined;
  const a = Math.abs(value as number);
  const f = a >= 100 ? 1 : a >= 10 ? 10 : a >= 1 ? 100 : 1000;
  // + 0 turns −0 (a small negative value rounded) into 0.
  return Math.round((value as number) * f) / f + 0;
};

/** Copies the defined values, rounded for the wire (numbers) or as they are (labels). */
export const defined = <T extends object>(values: T): T => {
  const out: Record<string, unknown> = {};
  for (const key in values) {
    const value: unknown = values[key];
    const v: unknown = typeof value == 'number' ? round(value) : value;
    if (v !== undefined && !((v as number) < 0)) out[key] = v;
  }
  return out as T;
};

/**
 * One sampling interval: the previous and current snapshots and the interval
 * length. `previous` is undefined when there are no deltas to take (first
 * sample, or an interval of length 0).
 */
export interface Interval {
  readonly previous: StatsSnapshot | undefined;
  readonly current: StatsSnapshot;
  /** Interval length in seconds; 0 when there is no previous snapshot. */
  readonly seconds: number;
}

/** `now − then` of a cumulative counter; undefined when either is missing or it went backwards (a reset). */
export const increase = (now: number | undefined, then: number | undefined): number | undefined => {
  // Either missing: NaN, which is not >= 0.
  const delta = (now as number) - (then as number);
  return delta >= 0 ? delta : undefined;
};

/**
 * Increase of a cumulative counter of `entry` over the interval, matched by
 * stats id. An entry the previous report did not have is new within the
 * interval, so its counters count from 0 (a stream that started, a layer
 * that came up, a new candidate pair), except a remote's report
 * (`remote-inbound-rtp`, `remote-outbound-rtp`), which first arrives with
 * counters that began before. Undefined without a previous report, when
 * the field is missing, or when the counter went backwards (a reset: never
 * a negative delta).
 */
export const counterDelta = (interval: Interval, entry: StatsEntry | undefined, field: string): number | undefined => {
  const before = entry && interval.previous?.get(entry.id);
  return increase(num(entry, field), before || !interval.previous || entry?.type[0] == 'r' ? num(before, field) : 0);
};

/** `amount` per second over the interval, undefined when the interval has no length. */
export const perSecond = (interval: Interval, amount: number | undefined): number | undefined =>
  amount === undefined || interval.seconds <= 0 ? undefined : amount / interval.seconds;

/** A share of the interval in percent, clamped to 0..100 against clock jitter. */
export const percentOfInterval = (interval: Interval, seconds: number | undefined): number | undefined => {
  const share = perSecond(interval, seconds);
  return share && Math.min(100, Math.max(0, share * 100));
};

/** `value × factor`, keeping undefined (and 0). */
export const scale = (value: number | undefined, factor: number): number | undefined => value && value * factor;
