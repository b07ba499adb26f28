import type { ReportBatch } from '@rtcpulse/schema';

/**
 * Skews smaller than this are left uncorrected: they are within network
 * latency and NTP error, and shifting by them would only add noise.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 2000;

/** A batch's clock offset as seen by the collector. */
export interface ClockSkew {
  /** `receivedAt - sentAt`: positive when the client clock is behind. Always stored. */
  readonly skewMs: number;
  /** What was added to client timestamps: `skewMs` beyond the tolerance, else 0. */
  readonly appliedMs: number;
}

/**
 * Measure the client's clock offset from its send time and the collector's
 * receive time. The one-way network delay is part of `skewMs`; below
 * `toleranceMs` nothing is corrected.
 */
export function measureClockSkew(sentAtMs: number, receivedAtMs: number, toleranceMs = CLOCK_SKEW_TOLERANCE_MS): ClockSkew {
  const skewMs = Math.round(receivedAtMs - sentAtMs);
  return { skewMs, appliedMs: Math.abs(skewMs) >= toleranceMs ? skewMs : 0 };
}

/**
 * The clock skew of one batch: {@link measureClockSkew} of its `sentAt`,
 * applied only when the batch's own timestamps agree with that clock. A
 * sample or event stamped later than `sentAt` (beyond `toleranceMs`) means
 * `sentAt` and the timestamps were not read from one clock (a client that
 * sends `sentAt: 0`, or a wall clock stepped back between sampling and
 * sending); shifting by `receivedAt - sentAt` would then move good
 * timestamps by years. Such a batch keeps its timestamps as sent; the
 * measured skew is still reported (and stored).
 */
export function batchClockSkew(batch: ReportBatch, receivedAtMs: number, toleranceMs = CLOCK_SKEW_TOLERANCE_MS): ClockSkew {
  const skew = measureClockSkew(batch.sentAt, receivedAtMs, toleranceMs);
  if (skew.appliedMs === 0) return skew;
  const latestAllowed = batch.sentAt + toleranceMs;
  const agrees = batch.samples.every((s) => s.ts <= latestAllowed) && batch.events.every((e) => e.ts <= latestAllowed);
  return agrees ? skew : { skewMs: skew.skewMs, appliedMs: 0 };
}

/** A client timestamp on the collector's clock. */
export function correctTimestamp(clientMs: number, skew: ClockSkew): number {
  return clientMs + skew.appliedMs;
}

/**
 * The batch with every sample and event timestamp corrected by `skew`
 * (a new object; `sentAt` stays as the client sent it, so the skew remains
 * visible as `received_at - sent_at`).
 */
export function correctBatchTimestamps(batch: ReportBatch, skew: ClockSkew): ReportBatch {
  if (skew.appliedMs === 0) return batch;
  return {
    ...batch,
    samples: batch.samples.map((s) => ({ ...s, ts: correctTimestamp(s.ts, skew) })),
    events: batch.events.map((e) => ({ ...e, ts: correctTimestamp(e.ts, skew) })),
  };
}
