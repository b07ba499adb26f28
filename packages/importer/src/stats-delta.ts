/** One stats dictionary as a dump stores it. */
export type RawReport = Record<string, unknown>;
/** All stats of one peer connection at one moment, by report id. */
export type RawState = Record<string, RawReport>;

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is RawReport {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies one delta-compressed `getstats` value of an rtcstats dump to the
 * previous state of its peer connection: a report id absent from the delta
 * was removed; a present one carries only the fields that changed;
 * `timestamp: 0` means the delta's top-level timestamp and a missing
 * `timestamp` keeps the old one. A complete (uncompressed) value gives the
 * same result, so this serves both kinds of dump.
 */
export function applyStatsDelta(previous: RawState | undefined, delta: RawReport): RawState {
  const top = typeof delta['timestamp'] === 'number' ? delta['timestamp'] : undefined;
  const next: RawState = {};
  for (const [id, report] of Object.entries(delta)) {
    if (id === 'timestamp' || !isRecord(report)) continue;
    const old = previous?.[id];
    const merged: RawReport = { ...old, ...report };
    if (report['timestamp'] === 0 || (report['timestamp'] === undefined && old === undefined)) merged['timestamp'] = top;
    else if (report['timestamp'] === undefined) merged['timestamp'] = old?.['timestamp'];
    next[id] = merged;
  }
  return next;
}
