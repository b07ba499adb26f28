import type { ReportBatch, ReportEvent } from '@rtcpulse/schema';

/**
 * Sessions whose peer connections do not all live for the whole call, and
 * a session of network drops, posted for `tenant-c` beside the main seed:
 *
 * - `sess-seq` (region `r-seq`): pc-a samples for 120 s, a 5 s reconnect gap,
 *   then pc-b samples for 120 s (sequential connections: 240 s in all);
 * - `sess-stag` (region `r-stag`): pc-a samples for 120 s, pc-b joins 60.7 s
 *   in and samples for 120 s (staggered: covered 180.7 s);
 * - `sess-net` (region `r-net`): four network drops and one connection
 *   failed after coming back online (entry 3: 25 per 100 drops).
 */
export const TENANT_C = 'tenant-c';

const INTERVAL_MS = 2000;
/** Bytes received in each 2 s sample. */
export const BYTES_PER_SAMPLE = 1_000_000;

/** One connection's samples: the first has no length (as the SDK sends it), then `count` 2 s intervals ending `startMs + count * 2 s`. */
function connection(pc: string, startMs: number, count: number): ReportBatch['samples'] {
  return Array.from({ length: count + 1 }, (_, seq) => ({
    pc,
    seq,
    ts: startMs + seq * INTERVAL_MS,
    dur: seq === 0 ? 0 : INTERVAL_MS,
    conn: seq === 0 ? {} : { bytes_received: BYTES_PER_SAMPLE },
    streams: {},
    labels: { local_candidate_type: 'host' },
  }));
}

/** A seeded session and the time it really covers. */
export interface CoverageCase {
  readonly sessionId: string;
  readonly region: string;
  /** The union of its samples' intervals, ms. */
  readonly coveredMs: number;
  /** Samples with a length (each carries {@link BYTES_PER_SAMPLE}). */
  readonly intervals: number;
}

export const COVERAGE_CASES: readonly CoverageCase[] = [
  { sessionId: 'sess-seq', region: 'r-seq', coveredMs: 240_000, intervals: 120 },
  { sessionId: 'sess-stag', region: 'r-stag', coveredMs: 180_700, intervals: 120 },
];

/** Failed-after-online events and network drops of `sess-net`. */
export const NETWORK_CASE = { sessionId: 'sess-net', region: 'r-net', failedAfterOnline: 1, drops: 4 } as const;

function batch(sessionId: string, region: string, now: number, samples: ReportBatch['samples'], events: ReportEvent[]): ReportBatch {
  return {
    v: 1,
    sdkVersion: '0.1.0',
    tenant: TENANT_C,
    sessionId,
    callId: `call-${sessionId}`,
    participantId: `p-${sessionId}`,
    batchSeq: 0,
    sentAt: now,
    meta: { browser: 'chrome', browserVersion: '1', os: 'linux', region, topology: 'sfu' },
    dropped: { samples: 0, events: 0 },
    samples,
    events,
  };
}

/** The batches of the three sessions, all within the last 10 minutes before `now`. */
export function participantTimeBatches(now: number): ReportBatch[] {
  const t0 = now - 420_000;
  const netStart = now - 200_000;
  const netEvents: ReportEvent[] = [];
  for (let i = 0; i < NETWORK_CASE.drops; i++) {
    netEvents.push({ ts: netStart + i * 40_000, type: 'network', state: 'offline' } as ReportEvent);
    netEvents.push({ ts: netStart + i * 40_000 + 5_000, type: 'network', state: 'online' } as ReportEvent);
  }
  netEvents.push({ pc: 'pc-a', ts: netStart + 25_000, type: 'connection.failed_after_online', value: 20_000 } as ReportEvent);
  return [
    batch('sess-seq', 'r-seq', now, [...connection('pc-a', t0, 60), ...connection('pc-b', t0 + 125_000, 60)], []),
    batch('sess-stag', 'r-stag', now, [...connection('pc-a', t0, 60), ...connection('pc-b', t0 + 60_700, 60)], []),
    batch(NETWORK_CASE.sessionId, NETWORK_CASE.region, now, [], netEvents),
  ];
}
