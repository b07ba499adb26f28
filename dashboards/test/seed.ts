import { EVENT_TYPES, METRICS, sampleColumns, type MetricDefinition, type ReportBatch, type ReportEvent } from '@rtcpulse/schema';

/** How one seeded session's network behaves. */
export interface SessionProfile {
  readonly tenant: string;
  readonly sessionId: string;
  readonly callId: string;
  readonly browser: string;
  readonly os: string;
  readonly region: string;
  readonly candidateType: 'host' | 'srflx' | 'relay';
  readonly networkType: string;
  readonly rttMs: number;
  readonly lossPct: number;
  readonly jitterMs: number;
  readonly freezePct: number;
  readonly mos: number;
  /** The session fails to connect (getUserMedia error, ICE failure, DTLS stuck). */
  readonly fails: boolean;
  /** Samples per peer connection (2 s apart), ending `endsAgoMs` before now. */
  readonly samples: number;
  readonly endsAgoMs: number;
  readonly pcs: readonly string[];
  /** Consent state the SDK reports for the session; absent: never reported (stored as `unknown`). */
  readonly consent?: 'granted' | 'withdrawn';
}

/**
 * Four sessions: a clean Chrome call, a lossy relayed Firefox call, a
 * failing Safari call, and a far (high-RTT) Chrome call whose audio and
 * video stay good, so the SDK does not classify it degraded.
 */
export const PROFILES: readonly SessionProfile[] = [
  { tenant: 'tenant-a', sessionId: 'sess-clean', callId: 'call-1', browser: 'chrome', os: 'linux', region: 'eu-west', candidateType: 'host', networkType: 'wifi', rttMs: 40, lossPct: 0.2, jitterMs: 4, freezePct: 0, mos: 4.3, fails: false, samples: 40, endsAgoMs: 2_000, pcs: ['pc-a', 'pc-b'], consent: 'granted' },
  { tenant: 'tenant-a', sessionId: 'sess-lossy', callId: 'call-1', browser: 'firefox', os: 'windows', region: 'us-east', candidateType: 'relay', networkType: 'cellular', rttMs: 450, lossPct: 6, jitterMs: 45, freezePct: 12, mos: 3, fails: false, samples: 40, endsAgoMs: 4_000, pcs: ['pc-a'], consent: 'withdrawn' },
  { tenant: 'tenant-a', sessionId: 'sess-far', callId: 'call-3', browser: 'chrome', os: 'macos', region: 'eu-central', candidateType: 'srflx', networkType: 'wifi', rttMs: 620, lossPct: 0.5, jitterMs: 12, freezePct: 0, mos: 3.9, fails: false, samples: 40, endsAgoMs: 6_000, pcs: ['pc-a'], consent: 'granted' },
  { tenant: 'tenant-b', sessionId: 'sess-failing', callId: 'call-2', browser: 'safari', os: 'macos', region: 'ap-south', candidateType: 'srflx', networkType: 'ethernet', rttMs: 200, lossPct: 1, jitterMs: 10, freezePct: 0, mos: 4, fails: true, samples: 6, endsAgoMs: 300_000, pcs: ['pc-a'] },
];

const INTERVAL_MS = 2000;

/** A plausible value for a metric in a profile: the five quality signals follow the profile, the rest sit mid-bucket. */
function valueFor(metric: MetricDefinition, profile: SessionProfile, seq: number): number {
  const wave = (seq % 5) / 10;
  switch (metric.key) {
    case 'rtt_ms':
      return profile.rttMs * (1 + wave);
    case 'packet_loss_pct':
      return profile.lossPct * (1 + wave);
    case 'jitter_ms':
      return profile.jitterMs * (1 + wave);
    case 'freeze_time_pct':
      return seq % 4 === 0 ? profile.freezePct * 2 : profile.freezePct / 2;
    case 'freeze_count':
      return profile.freezePct > 0 && seq % 4 === 0 ? 1 : 0;
    case 'mos':
      return profile.mos - wave / 2;
    case 'bytes_sent':
    case 'bytes_received':
      return 250_000 + seq * 1000;
    // Each simulcast layer its own amount, so that a panel reading the wrong layer's column shows the wrong figure.
    case 'layer0_bytes':
    case 'layer1_bytes':
    case 'layer2_bytes':
      return (1 + Number(metric.key[5])) * 10_000 + seq;
    default: {
      const buckets = metric.buckets ?? [];
      const mid = buckets[Math.floor(buckets.length / 2)];
      return mid === undefined ? 10 + seq : mid;
    }
  }
}

function samplesOf(profile: SessionProfile, now: number): ReportBatch['samples'] {
  const registry: readonly MetricDefinition[] = METRICS;
  const columns = sampleColumns().filter((c) => registry.includes(c.metric));
  const end = now - profile.endsAgoMs;
  const out: ReportBatch['samples'] = [];
  for (const pc of profile.pcs) {
    for (let seq = 0; seq < profile.samples; seq++) {
      const conn: Record<string, number> = {};
      const streams: Record<string, Record<string, number>> = {};
      for (const column of columns) {
        // Counters are deltas: the first sample of a connection has none (as the SDK sends it).
        if (seq === 0 && column.metric.instrument === 'counter') continue;
        const value = valueFor(column.metric, profile, seq);
        if (column.stream === undefined) conn[column.metric.key] = value;
        else (streams[column.stream] ??= {})[column.metric.key] = value;
      }
      out.push({
        pc,
        seq,
        ts: end - (profile.samples - 1 - seq) * INTERVAL_MS,
        dur: seq === 0 ? 0 : INTERVAL_MS,
        conn,
        streams,
        labels: {
          local_candidate_type: profile.candidateType,
          remote_candidate_type: 'srflx',
          ...(profile.candidateType === 'relay' ? { relay_protocol: 'udp' } : {}),
          network_type: profile.networkType,
          quality_limitation_reason: 'none',
        },
      } as ReportBatch['samples'][number]);
    }
  }
  return out;
}

/** Share of a session's media intervals that are degraded by the SDK's rule (an audio MOS under 3.6, or 10 % or more frozen video). */
export function degradedIntervalPct(profile: SessionProfile): number {
  const registry: readonly MetricDefinition[] = METRICS;
  const mos = registry.find((m) => m.name === 'webrtc.stream.mos')!;
  const freeze = registry.find((m) => m.name === 'webrtc.stream.freeze_time')!;
  let degraded = 0;
  for (let seq = 0; seq < profile.samples; seq++) {
    if (valueFor(mos, profile, seq) < 3.6 || valueFor(freeze, profile, seq) >= 10) degraded++;
  }
  return Math.round((degraded * 1000) / profile.samples) / 10;
}

function eventsOf(profile: SessionProfile, now: number): ReportEvent[] {
  const start = now - profile.endsAgoMs - profile.samples * INTERVAL_MS - 3000;
  const at = (ms: number) => start + ms;
  const events: Array<Omit<ReportEvent, 'type'> & { type: string }> = [{ ts: at(0), type: 'session.start' }];
  for (const pc of profile.pcs) {
    events.push(
      { pc, ts: at(10), type: 'pc.added' },
      { pc, ts: at(20), type: 'signaling.state', state: 'have-local-offer' },
      { pc, ts: at(30), type: 'ice.gathering.state', state: 'gathering' },
      { pc, ts: at(50), type: 'dtls.state', state: 'connecting' },
    );
    if (profile.fails) {
      events.push(
        { ts: at(5), type: 'error', stage: 'getUserMedia', name: 'NotAllowedError', message: 'permission denied' },
        { pc, ts: at(60), type: 'error', stage: 'setRemoteDescription', name: 'OperationError', message: 'bad answer' },
        { pc, ts: at(6_000), type: 'dtls.connecting', state: 'stuck', value: 6_000 },
        { pc, ts: at(7_000), type: 'ice.connection.state', state: 'disconnected' },
        { pc, ts: at(9_000), type: 'ice.connection.state', state: 'failed' },
        { pc, ts: at(9_010), type: 'connection.state', state: 'failed' },
        { ts: at(8_000), type: 'network', state: 'online' },
        { pc, ts: at(9_020), type: 'connection.failed_after_online', value: 1_020 },
      );
    } else {
      const formation = profile.candidateType === 'relay' ? 950 : 180;
      events.push(
        { pc, ts: at(formation), type: 'ice.pair.formed', value: formation, name: profile.candidateType, stage: 'srflx' },
        { pc, ts: at(formation + 1), type: 'ice.connection.state', state: 'connected' },
        { pc, ts: at(formation + 40), type: 'dtls.state', state: 'connected' },
        { pc, ts: at(formation + 41), type: 'dtls.connecting', state: 'connected', value: formation - 9 },
        { pc, ts: at(formation + 42), type: 'connection.state', state: 'connected' },
        { ts: at(2_500), type: 'bitrate.target', state: 'reached', value: profile.rttMs > 300 ? 4_200 : 1_800 },
        { ts: at(3_000), type: 'av.offset', state: 'webrtc_ahead', value: profile.rttMs > 300 ? 320 : 90 },
      );
      if (profile.rttMs > 300) events.push({ pc, ts: at(20_000), type: 'ice.connection.state', state: 'disconnected' });
    }
  }
  if (!profile.fails) {
    // Audit: every connected participant joined; the lossy one's leave never arrived.
    events.push({ ts: at(1), type: 'audit', name: 'join' });
    if (profile.sessionId !== 'sess-lossy') events.push({ ts: now - profile.endsAgoMs + 600, type: 'audit', name: 'leave' });
    // The SDK's classification, sent when the session ends (every connection samples alike, so one is enough).
    const pct = degradedIntervalPct(profile);
    events.push({ ts: now - profile.endsAgoMs + 500, type: 'session.quality', state: pct >= 20 ? 'degraded' : 'ok', value: pct });
  }
  if (!profile.fails && profile.endsAgoMs > 0 && profile.sessionId === 'sess-clean') {
    events.push(
      { ts: now - 1_000, type: 'session.end', name: 'closed' },
      { ts: now - 950, type: 'feedback', value: 2, message: 'platform=linux' },
      { ts: now - 900, type: 'feedback.complaint', name: 'audio-wrong-device' },
    );
  }
  const known = new Set<string>(EVENT_TYPES);
  return events.filter((e) => known.has(e.type)) as ReportEvent[];
}

/** The report batches for every profile, as the SDK would send them (one batch per session). */
export function seedBatches(now: number): ReportBatch[] {
  return PROFILES.map((profile) => ({
    v: 1,
    sdkVersion: '0.1.0',
    tenant: profile.tenant,
    sessionId: profile.sessionId,
    callId: profile.callId,
    participantId: `p-${profile.sessionId}`,
    batchSeq: 0,
    sentAt: now,
    meta: { browser: profile.browser, browserVersion: '1', os: profile.os, region: profile.region, topology: 'sfu' },
    dropped: { samples: profile.fails ? 3 : 0, events: 0 },
    samples: samplesOf(profile, now),
    events: eventsOf(profile, now),
    ...(profile.consent ? { consent: profile.consent, sampleRate: 1 } : {}),
  }));
}
