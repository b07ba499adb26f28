import { MS_PER_HOUR, MS_PER_MINUTE, sampleSpanSql } from '@rtcpulse/alerts';
import { clientScope, CLIENT_SCOPE_COLUMNS } from './filters.js';

/**
 * Participant time from the client samples, defined once in
 * `@rtcpulse/alerts` (`sampleSecondsSql` / `sampleSpanSql`, the definition
 * the per-participant-hour rules use): the union of a session's sample
 * intervals `[ts - dur, ts]` over all of its peer connections, at 1-second
 * resolution. Parallel connections count once, sequential ones (a
 * reconnect) add up.
 *
 * Per Grafana time bucket, a session's participant time is the distinct
 * seconds it covers that are attributed to the bucket: each covered second
 * goes to the bucket of the earliest-ending sample that covers it (in
 * practice the bucket of its own sample), so every second counts in exactly
 * one bucket. The buckets of a session therefore add up to its participant
 * time over the range at any interval, a per-participant-hour ratio is the
 * same whether the interval is 2 s or an hour, and a connection added late
 * changes nothing in the buckets before it joined.
 *
 * How it is computed without a row per second, per session (and
 * dimension), on two arrays: its samples' `ts` and first seconds, sorted by
 * `ts`. In that order the buckets and the end seconds never go down, so
 * giving each sample the seconds no earlier sample covered gives each
 * bucket exactly its seconds (a second's earliest-ending sample is the
 * first to cover it). Call the end of the previous sample the frontier (for
 * the first sample: the session's lowest first second). Every sample ends
 * at or past the frontier, so the seconds it adds are
 *
 * - those past the frontier: `end - max(start, frontier)`, and
 * - those of the holes below the frontier that it reaches into.
 *
 * A hole opens only where a sample starts past the frontier, as
 * `[frontier, start)` (the first sample opens one above the lowest first
 * second when a later sample starts lower). Every later sample ends past
 * it, so what is still uncovered of it just before sample `j` is
 * `[bottom, min(starts of its opener .. j - 1))`. Hole openers' starts only
 * go up, so a sample reaches into a hole only if it starts below the last
 * opener's start: such "fillers" are rare (a sample reaching back over a
 * session-wide gap, or before the first start), and only for them are the
 * (hole, filler) pairs listed, at most one per second the filler covers.
 * The rest is linear in the samples: the per-bucket sums are a running sum
 * read where the bucket changes, so one row leaves per session and bucket.
 * The store tests compare the result with the per-second formulation on
 * random sessions (`dashboards/test/participant-time-reference.ts`).
 */

export { MS_PER_HOUR, MS_PER_MINUTE };

/** A per-session sum computed in each bucket, e.g. `{ sql: 'sum(coalesce(bytes_received, 0))', alias: 'received_bytes' }`. */
export interface SessionMeasure {
  readonly sql: string;
  readonly alias: string;
}

/** An extra grouping column of the buckets (e.g. the selected candidate type). */
export interface BucketDimension {
  readonly sql: string;
  readonly alias: string;
}

/** Columns {@link sessionBucketsSql} reads, besides the measures' own. */
export const PARTICIPANT_TIME_COLUMNS = [...CLIENT_SCOPE_COLUMNS, 'session_id', 'dur_ms'] as const;

/**
 * Per session (and dimension): its samples' ends and first seconds as two
 * arrays sorted by `ts`, then the seconds they add (see the module
 * comment), one `part` row `(bucket, seconds)` per bucket and per
 * (hole, filler) pair.
 */
function sessionPartsSql(scope: string, groupKeys: readonly string[], dimSelect: readonly string[]): string {
  const { start, end } = sampleSpanSql();
  const ids = groupKeys.join(', ');
  return `SELECT ${ids}, region_of_session,
  arrayMap(ts -> $__timeInterval(ts), ends_at) AS bucket_of,
  arrayMap(ts -> ${end}, ends_at) AS ends,
  arrayPushFront(arrayPopBack(ends), arrayMin(starts)) AS frontier,
  arrayCumSum(arrayMap((e, s, f) -> e - greatest(s, f), ends, starts, frontier)) AS running,
  arrayPushBack(arrayMap((b, next) -> b != next, arrayPopBack(bucket_of), arrayPopFront(bucket_of)), 1) AS closes,
  arrayFilter((r, c) -> c, running, closes) AS running_at_close,
  arrayZip(arrayFilter((b, c) -> c, bucket_of, closes), arrayMap((r, p) -> r - p, running_at_close, arrayPushFront(arrayPopBack(running_at_close), 0))) AS direct,
  arrayMap((s, f) -> s > f, starts, frontier) AS opens_hole,
  arrayPushFront(arrayPopBack(arrayFill((v, o) -> o, arrayMap((s, o, f) -> if(o, s, f), starts, opens_hole, frontier), opens_hole)), frontier[1]) AS hole_top,
  arrayMap((s, t) -> s < t, starts, hole_top) AS fills,
  arrayFilter(h -> h.4, arrayZip(arrayEnumerate(starts), starts, frontier, opens_hole)) AS holes,
  if(has(fills, 1), arrayFlatten(arrayMap(
    f -> arrayMap(h -> (h.1, h.3, f.1, f.2, f.3), arrayFilter(h -> h.1 < f.1 AND h.2 > f.2, holes)),
    arrayFilter(f -> f.4, arrayZip(arrayEnumerate(starts), starts, bucket_of, fills)))), []) AS pairs,
  arrayReduceInRanges('min', arrayMap(p -> (p.1, toUInt64(p.3 - p.1)), pairs), starts) AS uncovered_top,
  arrayMap((p, top) -> (p.5, greatest(top - greatest(p.2, p.4), 0)), pairs, uncovered_top) AS filled,
  arrayJoin(arrayConcat(direct, filled)) AS part
FROM (
  SELECT ${[...groupKeys.slice(0, 2), ...dimSelect].join(', ')}, any(region) AS region_of_session,
    arraySort(groupArray(ts)) AS ends_at, arraySort((s, t) -> t, groupArray(${start}), groupArray(ts)) AS starts
  FROM samples
  WHERE ${scope.replace(/\n/g, '\n  ')}
    AND ${start} < ${end}
  GROUP BY ${ids}
)`;
}

/**
 * Rows per time bucket and session (and `dimension`): `time`,
 * `session_region`, the dimension, each measure, and `participant_ms`, the
 * session's participant time in the bucket (ms). Aggregate them outside,
 * e.g. `sum(received_bytes) / (sum(participant_ms) / 3600000)`.
 *
 * Measures are bucketed by the samples' `ts`; participant time by the
 * covered seconds (see the module comment); the two halves meet in a
 * `UNION ALL` summed per bucket and session.
 */
export function sessionBucketsSql(measures: readonly SessionMeasure[], dimension?: BucketDimension): string {
  const dim = dimension ? [dimension.alias] : [];
  const dimSelect = dimension ? [`${dimension.sql} AS ${dimension.alias}`] : [];
  const keys = ['time', 'tenant', 'session_id', ...dim].join(', ');
  const scope = clientScope().replace(/\n/g, '\n    ');
  const measured = [
    '$__timeInterval(ts) AS time', 'tenant', 'session_id', 'any(region) AS session_region', ...dimSelect,
    ...measures.map((m) => `${m.sql} AS ${m.alias}`), '0 AS participant_ms',
  ].join(', ');
  const timed = [
    'part.1 AS time', 'tenant', 'session_id', 'any(region_of_session) AS session_region', ...dim,
    ...measures.map((m) => `0 AS ${m.alias}`), 'toUInt64(sum(part.2)) * 1000 AS participant_ms',
  ].join(', ');
  const outer = ['time', 'any(session_region) AS session_region', ...dim, ...measures.map((m) => `sum(${m.alias}) AS ${m.alias}`), 'sum(participant_ms) AS participant_ms'].join(', ');
  return `SELECT ${outer}
FROM (
  SELECT ${measured}
  FROM samples
  WHERE ${scope}
  GROUP BY ${keys}
  UNION ALL
  SELECT ${timed}
  FROM (
${indentSql(sessionPartsSql(clientScope(), ['tenant', 'session_id', ...dim], dimSelect), 4)}
  )
  GROUP BY ${keys}
)
GROUP BY ${keys}`;
}

/** Indent every line of `sql` by `spaces`, for nesting a subquery. */
export function indentSql(sql: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return sql.replace(/^/gm, pad);
}
