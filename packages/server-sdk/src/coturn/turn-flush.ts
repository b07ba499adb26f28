import type { TurnReport } from '@rtcpulse/schema';

/** Reports kept for resending while the collector cannot be reached (about 10 minutes at the default 10 s interval). */
export const MAX_UNSENT_REPORTS = 60;

/** What a flush reads from the allocation tracker. */
export interface TurnCounters {
  active(): number;
  takeRelayed(): number;
}

/** Options of {@link createTurnFlusher}. */
export interface TurnFlusherOptions {
  readonly nodeId: string;
  readonly region?: string;
  readonly send: (report: TurnReport) => Promise<unknown>;
  readonly onError: (error: unknown) => void;
  readonly now?: () => number;
}

/**
 * Builds a TURN report of what the tracker counted since the last flush and
 * sends it, after any earlier report that could not be delivered. A report
 * that failed is resent later exactly as it was, never folded into a newer
 * one: the collector stores a report sent twice once, so a report it had
 * stored before its answer was lost is not counted again. Beyond
 * {@link MAX_UNSENT_REPORTS} waiting, the two oldest are merged into one
 * (bytes and intervals added), so memory stays bounded through a long outage.
 * Resolves to the report built now.
 */
export function createTurnFlusher(counters: TurnCounters, options: TurnFlusherOptions): () => Promise<TurnReport> {
  const now = options.now ?? Date.now;
  const unsent: TurnReport[] = [];
  let last = now();
  return async () => {
    const at = now();
    const report: TurnReport = {
      v: 1,
      nodeId: options.nodeId,
      ...(options.region ? { region: options.region } : {}),
      ts: at,
      intervalMs: Math.min(3_600_000, Math.max(1, at - last)),
      allocations: counters.active(),
      relayedBytes: counters.takeRelayed(),
    };
    last = at;
    unsent.push(report);
    if (unsent.length > MAX_UNSENT_REPORTS) {
      const [oldest, next] = unsent.splice(0, 2) as [TurnReport, TurnReport];
      unsent.unshift({ ...next, intervalMs: Math.min(3_600_000, oldest.intervalMs + next.intervalMs), relayedBytes: oldest.relayedBytes + next.relayedBytes });
    }
    while (unsent.length > 0) {
      try {
        await options.send(unsent[0] as TurnReport);
        unsent.shift();
      } catch (error) {
        options.onError(error);
        break;
      }
    }
    return report;
  };
}
