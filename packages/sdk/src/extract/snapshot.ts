/** One stats dictionary of a `getStats()` report, keyed fields as the browser gave them. */
export type StatsEntry = { id: string; type: string; timestamp: number; [k: string]: unknown };

/** A complete `getStats()` report: stats entries by their id. */
export type StatsSnapshot = ReadonlyMap<string, StatsEntry>;

/** Anything that iterates like a live `RTCStatsReport`. */
interface MapLikeReport {
  forEach(callback: (value: unknown, key: string) => void): void;
}

/** What {@link toSnapshot} accepts: a live report or a plain object keyed by stats id (as in dumps). */
export type RawStatsReport = RTCStatsReport | MapLikeReport | Readonly<Record<string, unknown>>;

function isMapLike(report: RawStatsReport): report is MapLikeReport {
  return typeof (report as { forEach?: unknown }).forEach === 'function';
}

function toEntry(key: string, value: unknown): StatsEntry | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const fields = value as Record<string, unknown>;
  if (typeof fields['type'] !== 'string') return undefined;
  const id = typeof fields['id'] === 'string' && fields['id'] !== '' ? fields['id'] : key;
  const ts = fields['timestamp'];
  const timestamp = typeof ts === 'number' && Number.isFinite(ts) ? ts : 0;
  return { ...fields, id, type: fields['type'], timestamp };
}

/**
 * Copy a stats report into an immutable-by-convention snapshot.
 *
 * Accepts a live `RTCStatsReport` (or any Map-like with `forEach`) or a plain
 * object keyed by stats id. Values that are not stats dictionaries (no string
 * `type`, such as a dump's top-level `timestamp`) are skipped. An entry without
 * a numeric `timestamp` gets 0.
 */
export function toSnapshot(report: RawStatsReport): StatsSnapshot {
  const snapshot = new Map<string, StatsEntry>();
  const add = (value: unknown, key: string): void => {
    const entry = toEntry(key, value);
    if (entry) snapshot.set(entry.id, entry);
  };
  if (isMapLike(report)) report.forEach(add);
  else for (const [key, value] of Object.entries(report)) add(value, key);
  return snapshot;
}
