import type { ReportBatch } from '@rtcpulse/schema';

/** How the collector derives a session metric's value from one accepted batch; `undefined` records nothing. */
export type SessionValue = (batch: ReportBatch) => number | undefined;

/**
 * Minutes of the session this batch covers: the longest of its connections'
 * summed sample intervals (`dur`). Connections of one participant run side by
 * side, so they are not added up. Batches arrive every few seconds while a
 * call is up, so participant time grows during calls, not only when they end
 * (a rate over a window shorter than a call stays right), and a batch
 * retried and stored once is counted once because telemetry records only
 * batches stored for the first time.
 */
export function minutesCovered(batch: ReportBatch): number | undefined {
  const perConnection = new Map<string, number>();
  let longest = 0;
  for (const sample of batch.samples) {
    const total = (perConnection.get(sample.pc) ?? 0) + (sample.dur ?? 0);
    perConnection.set(sample.pc, total);
    if (total > longest) longest = total;
  }
  return longest > 0 ? longest / 60_000 : undefined;
}

/**
 * The derivation of every registry metric of scope `session`, by key. A
 * session metric in the registry without an entry here fails the collector
 * at start (see `createBatchRecorder`), so the two cannot drift apart.
 */
export const SESSION_VALUES: Readonly<Record<string, SessionValue>> = {
  participant_minutes: minutesCovered,
};
