import type { ReportBatch } from '@rtcpulse/schema';

/** How the collector derives a session metric's value from one accepted batch; `undefined` records nothing. */
export type SessionValue = (batch: ReportBatch) => number | undefined;

/** Sessions whose covered time this collector remembers (the oldest are forgotten first). */
export const MAX_TRACKED_SESSIONS = 20_000;

/** Separate stretches of covered time kept per session; beyond this the two closest are joined (the gap then counts as covered). */
export const MAX_COVERED_STRETCHES = 16;

type Stretch = [start: number, end: number];

/**
 * Add `[start, end]` to `covered` (sorted, disjoint, each stretch apart
 * from the next) and return how much of it was not covered before.
 */
function cover(covered: Stretch[], start: number, end: number): number {
  let overlap = 0;
  for (const [a, b] of covered) overlap += Math.max(0, Math.min(b, end) - Math.max(a, start));
  covered.push([start, end]);
  covered.sort((x, y) => x[0] - y[0]);
  let kept = 0;
  for (let i = 1; i < covered.length; i++) {
    const last = covered[kept] as Stretch;
    const next = covered[i] as Stretch;
    if (next[0] <= last[1]) last[1] = Math.max(last[1], next[1]);
    else covered[++kept] = next;
  }
  covered.length = kept + 1;
  while (covered.length > MAX_COVERED_STRETCHES) {
    let closest = 0;
    for (let i = 1; i < covered.length - 1; i++) {
      if ((covered[i + 1] as Stretch)[0] - (covered[i] as Stretch)[1] < (covered[closest + 1] as Stretch)[0] - (covered[closest] as Stretch)[1]) closest = i;
    }
    const [joined] = covered.splice(closest + 1, 1) as [Stretch];
    (covered[closest] as Stretch)[1] = joined[1];
  }
  return end - start - overlap;
}

/**
 * Participant minutes: the time a session's samples cover that no other
 * batch of it covered. Each sample covers `[ts - dur, ts]`; connections that
 * run side by side cover the same time once, connections one after another
 * add up, and a batch that ends in the middle of a sampling round (the SDK
 * sends when ten samples wait, whatever the number of connections) adds
 * only what is new. Batches may arrive out of order (a batch retried after
 * its successors, the burst at page hide): the covered time is kept as
 * stretches, so an older batch still adds the time only it covers.
 * Batches arrive every few seconds while a call is up, so participant time
 * grows during calls, not only when they end.
 *
 * The covered time so far is kept per session, for the
 * {@link MAX_TRACKED_SESSIONS} most recent sessions. With several collectors
 * behind a load balancer, each knows only the batches it received: time a
 * batch shares with one sent to another instance is then counted twice
 * (at most one sampling interval per batch).
 */
export function createCoveredMinutes(maxSessions = MAX_TRACKED_SESSIONS): SessionValue {
  const coveredBy = new Map<string, Stretch[]>();
  return (batch) => {
    const spans: Stretch[] = [];
    for (const sample of batch.samples) if (sample.dur > 0) spans.push([sample.ts - sample.dur, sample.ts]);
    if (spans.length === 0) return undefined;
    const key = `${batch.tenant}\u0000${batch.sessionId}`;
    const covered = coveredBy.get(key) ?? [];
    let added = 0;
    for (const [start, end] of spans) added += cover(covered, start, end);
    coveredBy.delete(key);
    coveredBy.set(key, covered);
    if (coveredBy.size > maxSessions) coveredBy.delete(coveredBy.keys().next().value as string);
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
