import { clientScope, CLIENT_SCOPE_COLUMNS } from './filters.js';

/**
 * Participant time from the client samples, defined as the alert rules
 * define it (the SQL forms of the per-participant-hour rules in
 * `alerts/src/runbook`): a session's sampled time (`dur_ms` summed) divided
 * by the number of its peer connections, so a session that publishes and
 * subscribes on two connections is not counted twice.
 *
 * Per Grafana time bucket, a session's participant time is its sampled time
 * inside the bucket divided by its peer connections over the whole range.
 * The buckets of a session therefore add up to its participant time over
 * the range at any interval, and a per-participant-hour ratio is the same
 * whether the interval is 2 s or an hour (the old `uniqExact(session_id,
 * toStartOfMinute(ts)) / 60` counted a whole minute for every bucket a
 * session appeared in, so it understated ratios by 60 s / interval).
 */

/** Milliseconds per participant-hour and participant-minute. */
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_MINUTE = 60_000;

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
export const PARTICIPANT_TIME_COLUMNS = [...CLIENT_SCOPE_COLUMNS, 'session_id', 'pc_id', 'dur_ms'] as const;

/**
 * Rows per time bucket and session (and `dimension`): `time`,
 * `session_region`, the dimension, each measure, and `participant_ms`, the
 * session's participant time in the bucket (ms). Aggregate them outside,
 * e.g. `sum(received_bytes) / (sum(participant_ms) / 3600000)`.
 */
export function sessionBucketsSql(measures: readonly SessionMeasure[], dimension?: BucketDimension): string {
  const dim = dimension ? [dimension.alias] : [];
  const outer = ['time', 'session_region', ...dim, ...measures.map((m) => m.alias)].join(', ');
  const inner = [
    '$__timeInterval(ts) AS time',
    'tenant',
    'session_id',
    'any(region) AS session_region',
    ...(dimension ? [`${dimension.sql} AS ${dimension.alias}`] : []),
    ...measures.map((m) => `${m.sql} AS ${m.alias}`),
    'sum(dur_ms) AS sampled_ms',
    'groupUniqArray(pc_id) AS bucket_pcs',
  ].join(', ');
  return `SELECT ${outer}, sampled_ms / session_pcs AS participant_ms
FROM (
  SELECT *, greatest(length(groupUniqArrayArray(bucket_pcs) OVER (PARTITION BY tenant, session_id)), 1) AS session_pcs
  FROM (
    SELECT ${inner}
    FROM samples
    WHERE ${clientScope().replace(/\n/g, '\n    ')}
    GROUP BY time, tenant, session_id${dim.map((d) => `, ${d}`).join('')}
  )
)`;
}

/** Indent every line of `sql` by `spaces`, for nesting a subquery. */
export function indentSql(sql: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return sql.replace(/^/gm, pad);
}
