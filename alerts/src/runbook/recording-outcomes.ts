import { SERVER_KIND, TABLE } from './telemetry.js';

/**
 * One row per recording job whose last end report falls in the range
 * `scope(column)` selects (given the time column to filter; it also scopes
 * the tenant): `tenant`, `job_id`, `region`, `ended_at` (its last end
 * report), `outcome` (`finished` or `failed`, the last one reported; at the
 * same instant `finished` wins) and `stored_bytes` (the bytes of its last end
 * report that gave any). A recorder that restarts and announces a job's end
 * again, or a job that failed and then finished on a retry under the same
 * id, is one job with one outcome, counted in the one range that holds its
 * last end report: storage is billed once and the success rate counts it
 * once, however the time is cut into ranges or buckets.
 */
export function recordingOutcomesSql(scope: (timeColumn: string) => string): string {
  const ended = `kind = '${SERVER_KIND.recording}' AND state IN ('finished', 'failed')`;
  return `SELECT tenant, job_id, any(region) AS region, max(ts) AS ended_at,
    argMax(state, (ts, state = 'finished')) AS outcome, argMax(recording_stored_bytes, ts) AS stored_bytes
  FROM ${TABLE.serverEvents}
  WHERE ${ended} AND (tenant, job_id) IN (SELECT tenant, job_id FROM ${TABLE.serverEvents} WHERE ${scope('ts')} AND ${ended})
  GROUP BY tenant, job_id
  HAVING ${scope('ended_at')}`;
}

/** `server_events` columns {@link recordingOutcomesSql} reads. */
export const RECORDING_OUTCOME_COLUMNS: readonly string[] = ['tenant', 'job_id', 'region', 'ts', 'kind', 'state', 'recording_stored_bytes'];
