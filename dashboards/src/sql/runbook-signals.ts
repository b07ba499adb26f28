import { EVENT, FAILED_AFTER_ONLINE_SQL, GB, NETWORK_DROP_SQL, TURN_ALLOCATIONS_HELD_SQL, recordingOutcomesSql } from '@rtcpulse/alerts';
import { COST_NEEDS, EGRESS_COST_SHARE_SQL } from './cost.js';
import { clientScope, CLIENT_SCOPE_COLUMNS, tenantScope } from './filters.js';
import type { Needs } from './needs.js';
import { indentSql, MS_PER_HOUR, PARTICIPANT_TIME_COLUMNS, sessionBucketsSql } from './participant-time.js';
import { SERVER_EVENTS } from './server-tables.js';

/** The signal panel of one runbook entry: SQL returning `time` plus value columns, in `unit`. */
export interface RunbookSignal {
  readonly entry: number;
  readonly title: string;
  readonly unit: string;
  readonly sql: string;
  readonly needs: Needs;
  /** Threshold id from `thresholds.ts` drawn as the line, if the entry has one. */
  readonly threshold?: string;
}

const EVENTS = (...extra: string[]): Needs => ({ tables: { events: [...CLIENT_SCOPE_COLUMNS, 'session_id', 'pc_id', 'type', 'state', ...extra] } });
const SAMPLES = (...extra: string[]): Needs => ({ tables: { samples: [...CLIENT_SCOPE_COLUMNS, 'session_id', ...extra] } });
const SERVER = (...columns: string[]): Needs => ({ tables: { [SERVER_EVENTS.table]: ['tenant', 'ts', 'kind', ...columns] } });

/** Entry-by-entry signals. Entries whose data does not exist yet are written against what the issues imply. */
export const RUNBOOK_SIGNALS: readonly RunbookSignal[] = [
  {
    entry: 1,
    title: 'ICE pair formation p99 by region',
    unit: 'ms',
    threshold: 'ice-pair-formation-p99',
    needs: EVENTS('value'),
    sql: `SELECT $__timeInterval(ts) AS time, region, quantile(0.99)(value) AS p99
FROM events
WHERE ${clientScope()}
  AND type = 'ice.pair.formed' AND value IS NOT NULL
GROUP BY time, region
ORDER BY time`,
  },
  {
    entry: 2,
    title: 'DTLS connecting time (longest) and transports stuck past 5 s',
    unit: 'ms',
    needs: { ...EVENTS('value'), eventTypes: ['dtls.connecting'] },
    sql: `SELECT $__timeInterval(ts) AS time, max(value) AS longest_connecting_ms, countIf(state = 'stuck') AS stuck_transports
FROM events
WHERE ${clientScope()}
  AND type = 'dtls.connecting'
GROUP BY time
ORDER BY time`,
  },
  {
    entry: 3,
    title: 'Connections failed within 30 s of coming online',
    unit: 'short',
    needs: { ...EVENTS('value'), eventTypes: [EVENT.failedAfterOnline, EVENT.network] },
    // The alert rule's own numerator and denominator conditions.
    sql: `SELECT $__timeInterval(ts) AS time,
  countIf(${FAILED_AFTER_ONLINE_SQL}) AS failed_after_online,
  countIf(${NETWORK_DROP_SQL}) AS offline_events
FROM events
WHERE ${clientScope()}
  AND (${FAILED_AFTER_ONLINE_SQL} OR (${NETWORK_DROP_SQL}))
GROUP BY time
ORDER BY time`,
  },
  {
    entry: 4,
    title: 'Client receive volume per participant-hour',
    unit: 'decgbytes',
    threshold: 'client-receive-gb-per-hour',
    needs: { tables: { samples: [...PARTICIPANT_TIME_COLUMNS, 'bytes_received'] } },
    // As the alert's SQL form: received GB over participant-hours (the union of each
    // session's sample intervals), per region; each bucket divides by the seconds attributed to it.
    sql: `SELECT time, session_region AS region,
  sum(received_bytes) / ${GB} / (sum(participant_ms) / ${MS_PER_HOUR}) AS received_gb_per_participant_hour
FROM (
${indentSql(sessionBucketsSql([{ sql: 'sum(coalesce(bytes_received, 0))', alias: 'received_bytes' }]))}
)
GROUP BY time, region
HAVING sum(participant_ms) > 0
ORDER BY time`,
  },
  {
    entry: 5,
    title: 'Recording success',
    unit: 'percent',
    threshold: 'recording-success-low',
    needs: SERVER('state', 'job_id', 'region', 'recording_stored_bytes'),
    sql: `SELECT $__timeInterval(ended_at) AS time,
  100 * countIf(outcome = 'finished') / greatest(count(), 1) AS recording_success_pct
FROM (
  ${recordingOutcomesSql(tenantScope).replace(/\n/g, '\n  ')}
)
GROUP BY time
ORDER BY time`,
  },
  {
    entry: 6,
    title: 'Outbound voice activity vs inbound audio level',
    unit: 'none',
    needs: SAMPLES('audio_out_audio_level', 'audio_in_audio_level'),
    sql: `SELECT $__timeInterval(ts) AS time, quantile(0.5)(audio_out_audio_level) AS outbound_audio_level_p50,
  quantile(0.5)(audio_in_audio_level) AS inbound_audio_level_p50
FROM samples
WHERE ${clientScope()}
GROUP BY time
ORDER BY time`,
  },
  {
    entry: 7,
    title: 'A/V offset between WebRTC and LL-HLS (p95)',
    unit: 'ms',
    threshold: 'av-offset-p95',
    needs: { ...EVENTS('value'), eventTypes: ['av.offset'] },
    sql: `SELECT $__timeInterval(ts) AS time, quantile(0.95)(value) AS p95
FROM events
WHERE ${clientScope()} AND type = 'av.offset'
GROUP BY time
ORDER BY time`,
  },
  {
    entry: 8,
    title: 'Egress share of infrastructure cost',
    unit: 'percent',
    threshold: 'egress-cost-share',
    needs: COST_NEEDS,
    sql: EGRESS_COST_SHARE_SQL,
  },
  {
    entry: 9,
    title: 'Time to target bitrate p95',
    unit: 'ms',
    threshold: 'time-to-target-bitrate-p95',
    needs: { ...EVENTS('value'), eventTypes: ['bitrate.target'] },
    sql: `SELECT $__timeInterval(ts) AS time, quantile(0.95)(value) AS p95
FROM events
WHERE ${clientScope()} AND type = 'bitrate.target'
GROUP BY time
ORDER BY time`,
  },
  {
    entry: 10,
    title: 'TURN allocations vs allocations live connections hold',
    unit: 'percent',
    threshold: 'turn-allocations-vs-sessions',
    needs: { tables: { ...SERVER('turn_allocations', 'node_id').tables, ...SAMPLES('local_candidate_type', 'turn_allocations', 'session_id', 'pc_id').tables } },
    // Per bucket: the TURN nodes' latest allocation counts, summed, against the
    // allocations the connections seen in the bucket hold (as the alert rule
    // counts them). A bucket with allocations and no connection shows the leak in full.
    sql: `SELECT a.time AS time, 100 * abs(a.allocations - h.held) / greatest(h.held, 1) AS mismatch_pct
FROM (
  SELECT time, sum(latest) AS allocations FROM (
    SELECT $__timeInterval(ts) AS time, node_id, argMax(turn_allocations, ts) AS latest
    FROM server_events
    WHERE ${tenantScope('ts')} AND kind = 'turn' AND turn_allocations IS NOT NULL
    GROUP BY time, node_id
  ) GROUP BY time
) AS a
LEFT JOIN (
  SELECT time, sum(pc_held) AS held FROM (
    SELECT $__timeInterval(ts) AS time, session_id, pc_id,
      ${TURN_ALLOCATIONS_HELD_SQL} AS pc_held
    FROM samples
    WHERE ${clientScope()}
    GROUP BY time, session_id, pc_id
  ) GROUP BY time
) AS h ON a.time = h.time
ORDER BY time`,
  },
  {
    entry: 11,
    title: 'Key frames per decoded frames (inbound video)',
    unit: 'percent',
    needs: SAMPLES('video_in_frames', 'video_in_key_frames'),
    sql: `SELECT $__timeInterval(ts) AS time, 100 * sum(video_in_key_frames) / greatest(sum(video_in_frames), 1) AS key_frame_pct
FROM samples
WHERE ${clientScope()}
GROUP BY time
ORDER BY time`,
  },
  {
    entry: 12,
    title: 'Post-call complaints by tag',
    unit: 'short',
    needs: { ...EVENTS('name'), eventTypes: ['feedback.complaint'] },
    sql: `SELECT $__timeInterval(ts) AS time, name AS complaint, count() AS complaints
FROM events
WHERE ${clientScope()} AND type = 'feedback.complaint'
GROUP BY time, complaint
ORDER BY time`,
  },
];
