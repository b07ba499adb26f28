/**
 * Participant time: the denominator of every per-participant-hour rule.
 */

/**
 * The participant-time counter in the registry (cost family) and how many
 * seconds one unit of it stands for (a `min` counter counts 60 s per unit).
 */
export const PARTICIPANT_TIME = { metric: 'webrtc.participant.time', unit: 'min', secondsPerUnit: 60 } as const;

/**
 * Participant-hours of one session, as a SQL aggregate over its `samples`
 * rows (use inside `GROUP BY tenant, session_id`): sampled time divided by
 * the number of peer connections, so a session with a publish and a
 * subscribe connection is not counted twice.
 */
export function participantHoursSql(): string {
  return 'sum(dur_ms) / greatest(uniqExact(pc_id), 1) / 3600000';
}
