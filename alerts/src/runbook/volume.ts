/**
 * Participant time: the denominator of every per-participant-hour rule, and
 * of the dashboards' client-side participant-time panels.
 *
 * A session's participant time is the UNION of its samples' intervals
 * `[ts - dur, ts]` over all of its peer connections, at 1-second
 * resolution: connections that run in parallel (publish and subscribe, a
 * mesh) count once, connections that follow each other (a reconnect) add
 * up, and a connection added late changes nothing before it joined. The
 * collector's `webrtc.participant.time` counter counts the same union.
 */

/**
 * The participant-time counter in the registry (cost family) and how many
 * seconds one unit of it stands for (a `min` counter counts 60 s per unit).
 */
export const PARTICIPANT_TIME = { metric: 'webrtc.participant.time', unit: 'min', secondsPerUnit: 60 } as const;

/** Seconds in a participant-hour. */
export const SECONDS_PER_HOUR = 3600;
/** Milliseconds in a participant-hour. */
export const MS_PER_HOUR = 3_600_000;
/** Milliseconds in a participant-minute. */
export const MS_PER_MINUTE = 60_000;

/**
 * The span of Unix seconds one `samples` row covers, as two ClickHouse
 * `Int64` expressions: `start` (the second holding `ts - dur_ms`) and
 * `end` (the second holding `ts`, excluded). The row covers every second
 * `s` with `start <= s < end`, none when `start >= end`.
 */
export function sampleSpanSql(ts = 'ts', durMs = 'dur_ms'): { readonly start: string; readonly end: string } {
  const endMs = `toUnixTimestamp64Milli(${ts})`;
  return { start: `intDiv(${endMs} - toInt64(${durMs}), 1000)`, end: `intDiv(${endMs}, 1000)` };
}

/**
 * The Unix seconds one `samples` row covers ({@link sampleSpanSql}), as a
 * ClickHouse `Array(Int64)`: from `ts - dur_ms` up to (excluding) `ts`, at
 * 1-second resolution, so a 2 s sample covers 2 seconds and back-to-back
 * samples neither overlap nor leave a gap. Pass column expressions to read
 * them from a subquery or under another name.
 */
export function sampleSecondsSql(ts = 'ts', durMs = 'dur_ms'): string {
  const { start, end } = sampleSpanSql(ts, durMs);
  return `range(${start}, ${end})`;
}

/**
 * Participant-seconds of a group of `samples` rows, as a SQL aggregate: the
 * distinct seconds the rows cover. Grouped by `tenant, session_id` it is
 * the session's participant time (the union over its connections).
 */
export function participantSecondsSql(): string {
  return `uniqExactArray(${sampleSecondsSql()})`;
}

/**
 * Participant-hours of one session, as a SQL aggregate over its `samples`
 * rows (use inside `GROUP BY tenant, session_id`): {@link participantSecondsSql}
 * in hours.
 */
export function participantHoursSql(): string {
  return `${participantSecondsSql()} / ${SECONDS_PER_HOUR}`;
}
