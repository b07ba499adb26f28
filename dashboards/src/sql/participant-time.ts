import { MS_PER_HOUR, MS_PER_MINUTE, sampleSecondsSql } from '@rtcpulse/alerts';
import { clientScope, CLIENT_SCOPE_COLUMNS } from './filters.js';

/**
 * Participant time from the client samples, defined once in
 * `@rtcpulse/alerts` (`sampleSecondsSql`, the definition the
 * per-participant-hour rules use): the union of a session's sample
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
    '$__timeInterval(first_ts) AS time', 'tenant', 'session_id', 'any(region_of_second) AS session_region', ...dim,
    ...measures.map((m) => `0 AS ${m.alias}`), 'count() * 1000 AS participant_ms',
  ].join(', ');
  const seconds = [
    'tenant', 'session_id', ...dimSelect, `arrayJoin(${sampleSecondsSql()}) AS second`, 'min(ts) AS first_ts', 'any(region) AS region_of_second',
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
    SELECT ${seconds}
    FROM samples
    WHERE ${scope.replace(/\n/g, '\n  ')}
    GROUP BY tenant, session_id, ${[...dim, 'second'].join(', ')}
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
