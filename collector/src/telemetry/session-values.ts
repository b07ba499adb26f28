import type { ReportBatch } from '@rtcpulse/schema';

/** How the collector derives a session metric's value from one accepted batch; `undefined` records nothing. */
export type SessionValue = (batch: ReportBatch) => number | undefined;

/** Sessions whose covered time this collector remembers (the oldest are forgotten first). */
export const MAX_TRACKED_SESSIONS = 20_000;

/**
 * Participant minutes: the time a session's samples cover that no earlier
 * batch of it covered. Each sample covers `[ts - dur, ts]`; connections that
 * run side by side cover the same time once, connections one after another
 * add up, and a batch that ends in the middle of a sampling round (the SDK
 * sends when ten samples wait, whatever the number of connections) adds
 * only what is new. Batches arrive every few seconds while a call is up, so
 * participant time grows during calls, not only when they end.
 *
 * The covered time so far is kept per session, for the
 * {@link MAX_TRACKED_SESSIONS} most recent sessions. With several collectors
 * behind a load balancer, each knows only the batches it received: time a
 * batch shares with one sent to another instance is then counted twice
 * (at most one sampling interval per batch).
 */
export function createCoveredMinutes(maxSessions = MAX_TRACKED_SESSIONS): SessionValue {
  const coveredUntil = new Map<string, number>();
  return (batch) => {
    const spans: Array<readonly [number, number]> = [];
    for (const sample of batch.samples) if (sample.dur > 0) spans.push([sample.ts - sample.dur, sample.ts]);
    if (spans.length === 0) return undefined;
    spans.sort((a, b) => a[0] - b[0]);
    const key = `${batch.tenant}\u0000${batch.sessionId}`;
    let until = coveredUntil.get(key) ?? -Infinity;
    let added = 0;
    for (const [start, end] of spans) {
      const from = Math.max(start, until);
      if (end > from) added += end - from;
      if (end > until) until = end;
    }
    coveredUntil.delete(key);
    coveredUntil.set(key, until);
    if (coveredUntil.size > maxSessions) coveredUntil.delete(coveredUntil.keys().next().value as string);
    return added > 0 ? added / 60_000 : undefined;
  };
}

/**
 * How each registry metric of scope `session` is derived, by key: a factory,
 * because a derivation may keep state per session. A session metric in the
 * registry without an entry here fails the collector at start (see
 * `createBatchRecorder`), so the two cannot drift apart.
 */
export const SESSION_VALUES: Readonly<Record<string, () => SessionValue>> = {
  participant_minutes: createCoveredMinutes,
};
