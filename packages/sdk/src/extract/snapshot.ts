/** One stats dictionary of a `getStats()` report, keyed fields as the browser gave them. */
export type StatsEntry = { id: string; type: string; timestamp: number; [k: string]: unknown };

/** A complete `getStats()` report: stats entries by their id. */
export type StatsSnapshot = ReadonlyMap<string, StatsEntry>;

/** Anything that iterates like a live `RTCStatsReport`. */
interface MapLikeReport {
  forEach(callback: (value: unknown, key: string) => void): void;
}

/** What {@link toSnapshot} accepts: a live report, or any map-like of well-formed stats entries keyed by id. */
export type RawStatsReport = RTCStatsReport | MapLikeReport;

/**
 * Copy a live stats report into an immutable-by-convention snapshot. A
 * browser's entries are well formed (a string `id` equal to their key, a
 * `type`, a numeric `timestamp`) and are kept as they are, so this is one
 * pass and no copies. Entries from a dump go through {@link dumpSnapshot}.
 */
export const toSnapshot = (report: RawStatsReport): StatsSnapshot => {
  const snapshot = new Map<string, StatsEntry>();
  (report as MapLikeReport).forEach((value, key) => snapshot.set(key, value as StatsEntry));
  return snapshot;
};

/**
 * A snapshot of a dump's stats object (entries keyed by stats id, as
 * rtcstats and webrtc-internals keep them). Values that are not stats
 * dictionaries (no string `type`, such as a dump's top-level `timestamp`)
 * are skipped; an entry without a string `id` takes its key; one without a
 * finite numeric `timestamp` gets 0; an `audioLevel` above 1 is taken as
 * the 16-bit scale older Chrome wrote on `inbound-rtp` (0..32767, where
 * the spec and every current browser say 0..1) and divided by 32767.
 * Other well-formed entries are kept as they are.
 */
export const dumpSnapshot = (entries: Readonly<Record<string, unknown>>): StatsSnapshot => {
  const snapshot = new Map<string, StatsEntry>();
  for (const key of Object.keys(entries)) {
    const entry = asEntry(entries[key], key);
    if (entry) snapshot.set(entry.id, entry);
  }
  return snapshot;
};

/** One value of a dump's stats object as a stats entry, as {@link dumpSnapshot} keeps it; undefined for a value that is not one. */
const asEntry = (value: unknown, key: string): StatsEntry | undefined => {
  const e = value as Partial<StatsEntry> | null | undefined;
  if (typeof e?.type != 'string') return undefined;
  const id = typeof e.id == 'string' && e.id ? e.id : key;
  const ts = e.timestamp;
  const timestamp = Number.isFinite(ts) ? ts! : 0;
  const level = e['audioLevel'];
  const wide = typeof level == 'number' && level > 1 ? { audioLevel: level / 32767 } : undefined;
  return (id === e.id && timestamp === ts && !wide ? e : { ...e, id, timestamp, ...wide }) as StatsEntry;
};
