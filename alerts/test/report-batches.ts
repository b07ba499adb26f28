import type { ReportBatch, ReportEvent } from '@rtcpulse/schema';

/** Report batches for the SQL-form store test: a session's events (and samples) as the SDK sends them. */

/** A batch of one session of `tenant` in `region`, sent at `sentAt`. */
export function batch(tenant: string, region: string, sessionId: string, sentAt: number, events: ReportEvent[], samples: ReportBatch['samples'] = []): ReportBatch {
  return {
    v: 1,
    sdkVersion: '0.1.0',
    tenant,
    sessionId,
    callId: `call-${tenant}`,
    participantId: `p-${sessionId}`,
    batchSeq: 0,
    sentAt,
    meta: { region, topology: 'sfu' },
    dropped: { samples: 0, events: 0 },
    consent: 'unknown',
    samples,
    events,
  };
}

/**
 * One peer connection, its events from `t`: `ok` connects and stays,
 * `mid-call` connects and fails later, `setup` fails without ever
 * connecting; a connected one sends three samples with a round-trip time.
 */
export function connectionEvents(t: number, outcome: 'ok' | 'mid-call' | 'setup'): { events: ReportEvent[]; samples: ReportBatch['samples'] } {
  const pc = 'pc-1';
  const events: ReportEvent[] = [{ pc, ts: t, type: 'pc.added' }];
  if (outcome === 'setup') {
    events.push({ pc, ts: t + 600, type: 'connection.state', state: 'failed' });
    return { events, samples: [] };
  }
  events.push(
    { pc, ts: t + 200, type: 'ice.pair.formed', value: 200, name: 'srflx', stage: 'srflx' },
    { pc, ts: t + 260, type: 'connection.state', state: 'connected' },
  );
  if (outcome === 'mid-call') events.push({ pc, ts: t + 30_000, type: 'connection.state', state: 'failed' });
  const samples = [0, 1, 2].map((seq) => ({ pc, seq, ts: t + 2000 * (seq + 1), dur: seq === 0 ? 0 : 2000, conn: { rtt_ms: 40 }, streams: {}, labels: {} }));
  return { events, samples };
}

/** `drops` offline/online pairs 10 s apart from `t`, and optionally a connection lost within 30 s of coming back online. */
export function networkEvents(t: number, drops: number, failedAfterOnline: boolean): ReportEvent[] {
  const events: ReportEvent[] = [{ ts: t, type: 'session.start' }];
  for (let i = 0; i < drops; i++) {
    events.push({ ts: t + 10_000 * i + 1000, type: 'network', state: 'offline' }, { ts: t + 10_000 * i + 4000, type: 'network', state: 'online' });
  }
  if (failedAfterOnline) events.push({ pc: 'pc-1', ts: t + 30_000, type: 'connection.failed_after_online', value: 26_000 });
  return events;
}
