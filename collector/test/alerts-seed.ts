import type { ReportBatch, ReportEvent, Sample } from '@rtcpulse/schema';
import { SAMPLE_INTERVAL_MS as INTERVAL_MS } from '../fault/sdk-reports.js';

/** Samples per seeded session (30 s of call). */
export const SAMPLES_PER_SESSION = 15;

/** How one seeded session behaves. */
export interface SessionSpec {
  readonly tenant: string;
  readonly sessionId: string;
  readonly callId: string;
  readonly start: number;
  readonly region?: string;
  /** Inbound audio and video loss in percent (default 0). */
  readonly lossPct?: number;
  /** ICE pair formation time in ms (default 180). */
  readonly iceMs?: number;
  /** Selected local candidate type (default srflx). */
  readonly candidate?: 'host' | 'srflx' | 'relay';
  /** `blackhole`: connects, then fails (ICE consent lost); `setup`: never connects; `dtls`: ICE up, DTLS stuck, no media. */
  readonly failure?: 'blackhole' | 'setup' | 'dtls';
}

function sample(spec: SessionSpec, seq: number): Sample {
  const loss = spec.lossPct ?? 0;
  const media = spec.failure !== 'dtls';
  return {
    pc: 'pc-1',
    seq,
    ts: spec.start + 1000 + seq * INTERVAL_MS,
    dur: seq === 0 ? 0 : INTERVAL_MS,
    conn: {
      rtt_ms: 42 + (seq % 3),
      available_outgoing_bitrate_kbps: 2400,
      bytes_sent: 310_000,
      bytes_received: media ? 305_000 : 1_200,
      ...(spec.candidate === 'relay' ? { relayed_bytes: 615_000 } : {}),
    },
    streams: {
      audio_in: media
        ? { packet_loss_pct: loss, jitter_ms: 4 + (seq % 2), bitrate_kbps: 32, packets: 100, packets_lost: loss, mos: loss > 0 ? 3.9 : 4.3, audio_level: 0.08, concealment_pct: loss / 2 }
        : { packets: 0 },
      audio_out: { packet_loss_pct: 0, jitter_ms: 3, rtt_ms: 44, bitrate_kbps: 32, packets: 100, mos: 4.3, audio_level: 0.2 },
      video_in: media
        ? { packet_loss_pct: loss, jitter_ms: 9, bitrate_kbps: 1180, frame_rate_fps: 30, frame_height_px: 720, freeze_count: 0, freeze_time_pct: 0, frames: 60, key_frames: 1, packets: 220, packets_lost: 2.2 * loss }
        : { packets: 0 },
      video_out: { bitrate_kbps: 1500, frame_rate_fps: 30, frame_height_px: 720, quality_limited_pct: 0, rtt_ms: 44, frames: 60, key_frames: 1 },
    },
    labels: {
      local_candidate_type: spec.candidate ?? 'srflx',
      remote_candidate_type: 'srflx',
      ...(spec.candidate === 'relay' ? { relay_protocol: 'udp' } : {}),
      network_type: 'wifi',
      quality_limitation_reason: 'none',
    },
  };
}

function events(spec: SessionSpec): ReportEvent[] {
  const t = spec.start;
  const pc = 'pc-1';
  const list: ReportEvent[] = [
    { ts: t, type: 'session.start' },
    { pc, ts: t + 10, type: 'pc.added' },
    { pc, ts: t + 20, type: 'ice.gathering.state', state: 'gathering' },
  ];
  if (spec.failure === 'setup') {
    list.push({ pc, ts: t + 600, type: 'ice.connection.state', state: 'failed' }, { pc, ts: t + 610, type: 'connection.state', state: 'failed' });
    return list;
  }
  const ice = spec.iceMs ?? 180;
  list.push(
    { pc, ts: t + ice, type: 'ice.pair.formed', value: ice, name: spec.candidate ?? 'srflx', stage: 'srflx' },
    { pc, ts: t + ice, type: 'ice.connection.state', state: 'connected' },
    { pc, ts: t + ice + 5, type: 'dtls.state', state: 'connecting' },
  );
  if (spec.failure === 'dtls') {
    list.push(
      { pc, ts: t + ice + 5005, type: 'dtls.connecting', state: 'stuck', value: 5000 },
      { pc, ts: t + ice + 5005, type: 'media.no_inbound', value: 5000 },
    );
    return list;
  }
  list.push(
    { pc, ts: t + ice + 60, type: 'dtls.state', state: 'connected' },
    { pc, ts: t + ice + 60, type: 'dtls.connecting', state: 'connected', value: 55 },
    { pc, ts: t + ice + 61, type: 'connection.state', state: 'connected' },
    { ts: t + 1500, type: 'bitrate.target', state: 'reached', value: 1500 },
  );
  if (spec.failure === 'blackhole') {
    list.push(
      { pc, ts: t + 20_000, type: 'ice.connection.state', state: 'disconnected' },
      { pc, ts: t + 26_000, type: 'ice.connection.state', state: 'failed' },
      { pc, ts: t + 26_000, type: 'connection.state', state: 'failed' },
    );
  }
  return list;
}

/** One realistic batch for a whole short session: 15 samples of one peer connection and its lifecycle events. */
export function sessionBatch(spec: SessionSpec): ReportBatch {
  const samples: Sample[] = [];
  const count = spec.failure === 'setup' ? 0 : spec.failure === 'blackhole' ? 12 : SAMPLES_PER_SESSION;
  for (let seq = 0; seq < count; seq++) samples.push(sample(spec, seq));
  return {
    v: 1,
    sdkVersion: '0.1.0',
    tenant: spec.tenant,
    sessionId: spec.sessionId,
    callId: spec.callId,
    participantId: `p-${spec.sessionId}`,
    batchSeq: 0,
    sentAt: Date.now(),
    meta: { browser: 'chrome', browserVersion: '156', os: 'linux', region: spec.region ?? 'eu-west', topology: 'sfu' },
    dropped: { samples: 0, events: 0 },
    consent: 'unknown',
    samples,
    events: events(spec),
  };
}
