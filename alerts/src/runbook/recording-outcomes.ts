import { SERVER_KIND, TABLE } from './telemetry.js';

/**
 * One row per recording job that ended in the rows `where` selects from
 * `server_events`: `tenant`, `job_id`, `region`, `ended_at` (its last end
 * report), `outcome` (`finished` or `failed`, the last one reported) and
 * `stored_bytes` (that report's bytes). A recorder that restarts and
 * announces a job's end again, or a job that failed and then finished on a
 * retry under the same id, is one job with one outcome: storage is billed
 * once and the success rate counts it once.
 */
export function recordingOutcomesSql(where: string): string {
  return `SELECT tenant, job_id, any(region) AS region, max(ts) AS ended_at,
    argMax(state, ts) AS outcome, argMax(recording_stored_bytes, ts) AS stored_bytes
  FROM ${TABLE.serverEvents}
  WHERE ${where} AND kind = '${SERVER_KIND.recording}' AND state IN ('finished', 'failed')
  GROUP BY tenant, job_id`;
}

/** `server_events` columns {@link recordingOutcomesSql} reads. */
export const RECORDING_OUTCOME_COLUMNS: readonly string[] = ['tenant', 'job_id', 'region', 'ts', 'kind', 'state', 'recording_stored_bytes'];
