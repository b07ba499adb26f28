/** One stats dictionary of a `getStats()` report, keyed fields as the browser gave them. */
export type StatsEntry = { id: string; type: string; timestamp: number; [k: string]: unknown };

/** A complete `getStats()` report: stats entries by their id. */
export type StatsSnapshot = ReadonlyMap<string, StatsEntry>;

/** Anything that iterates like a live `RTCStatsReport`. */
interface MapLikeReport {
  forEach(callback: (value: unknown, key: string) => void): void;
}

/**
 * What {@link toSnapshot} accepts: a live report, or any map-like keyed by
 * stats id (a dump's plain object goes in as `new Map(Object.entries(it))`).
 */
export type RawStatsReport = RTCStatsReport | MapLikeReport;

/**
 * Copy a stats report into an immutable-by-convention snapshot.
 *
 * Values that are not stats dictionaries (no string `type`, such as a
 * dump's top-level `timestamp`) are skipped. An entry without a string `id`
 * takes its key; one without a finite numeric `timestamp` gets 0.
 * Well-formed entries are kept as they are (never modified), so a live
 * report costs one pass and no copies.
 */
export function toSnapshot(report: RawStatsReport): StatsSnapshot {
  const snapshot = new Map<string, StatsEntry>();
  (report as MapLikeReport).forEach((value, key) => {
    const entry = asEntry(value, key);
    if (entry) snapshot.set(entry.id, entry);
  });
  return snapshot;
}

/**
 * One value of a report as a stats entry, as {@link toSnapshot} keeps it;
 * undefined for a value that is not a stats dictionary.
 */
export function asEntry(value: unknown, key: string): StatsEntry | undefined {
  const e = value as Partial<StatsEntry> | null | undefined;
  if (typeof e?.type !== 'string') return undefined;
  const id = typeof e.id === 'string' && e.id ? e.id : key;
  const ts = e.timestamp;
  const timestamp = Number.isFinite(ts) ? ts! : 0;
  return (id === e.id && timestamp === ts ? e : { ...e, id, timestamp }) as StatsEntry;
}
