import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { ReportBatchSchema, type ReportBatch } from '../src/index.js';

function validBatch(): ReportBatch {
  return {
    v: 1,
    sdkVersion: '0.1.0',
    tenant: 'demo',
    sessionId: 's-1',
    callId: 'c-1',
    participantId: 'p-1',
    batchSeq: 0,
    sentAt: 1_764_000_000_000,
    meta: { browser: 'chrome', browserVersion: '140', os: 'linux', region: 'eu-west', topology: 'p2p' },
    dropped: { samples: 0, events: 0 },
    samples: [
      {
        pc: 'pc0',
        seq: 0,
        ts: 1_764_000_000_000,
        dur: 2000,
        conn: { rtt_ms: 12.5, bytes_sent: 1000, bytes_received: 900 },
        streams: { audio_in: { packet_loss_pct: 1.5, jitter_ms: 3 }, video_out: { quality_limited_pct: 0 } },
        labels: { local_candidate_type: 'host', remote_candidate_type: 'host' },
      },
    ],
    events: [{ pc: 'pc0', ts: 1_764_000_000_000, type: 'ice.pair.formed', value: 120 }],
  };
}

function firstError(value: unknown): string | undefined {
  const error = Value.Errors(ReportBatchSchema, value).First();
  return error ? `${error.path}: ${error.message}` : undefined;
}

describe('report schema', () => {
  it('accepts what the SDK builds', () => {
    expect(firstError(validBatch())).toBeUndefined();
  });

  it('names a wrongly typed field', () => {
    const batch = validBatch() as unknown as { samples: Array<{ conn: Record<string, unknown> }> };
    batch.samples[0]!.conn.rtt_ms = '12';
    expect(firstError(batch)).toMatch(/^\/samples\/0\/conn\/rtt_ms/);
  });

  it('refuses a metric a stream cannot carry', () => {
    const batch = validBatch() as unknown as { samples: Array<{ streams: Record<string, Record<string, number>> }> };
    batch.samples[0]!.streams.audio_in = { quality_limited_pct: 3 };
    expect(firstError(batch)).toMatch(/^\/samples\/0\/streams\/audio_in/);
  });

  it('refuses unknown versions and event types', () => {
    expect(firstError({ ...validBatch(), v: 2 })).toMatch(/^\/v/);
    const batch = validBatch() as unknown as { events: Array<{ type: string }> };
    batch.events[0]!.type = 'made.up';
    expect(firstError(batch)).toMatch(/^\/events\/0\/type/);
  });

  it('accepts the optional consent state and sample rate, and refuses values outside their range', () => {
    expect(firstError({ ...validBatch(), consent: 'granted', sampleRate: 0.25 })).toBeUndefined();
    expect(firstError({ ...validBatch(), consent: 'maybe' })).toMatch(/^\/consent/);
    expect(firstError({ ...validBatch(), sampleRate: 0 })).toMatch(/^\/sampleRate/);
    expect(firstError({ ...validBatch(), sampleRate: 1.5 })).toMatch(/^\/sampleRate/);
  });

  it('accepts every metric family the SDK now sends', () => {
    const batch = validBatch();
    batch.samples[0]!.conn = { ...batch.samples[0]!.conn, relayed_bytes: 10, av_sync_ms: 40 };
    batch.samples[0]!.streams = {
      audio_in: { mos: 4.3, audio_level: 0.02 },
      audio_out: { mos: 4.1, audio_level: 0.1 },
      video_in: { frames: 60, key_frames: 1, pli_count: 0, fir_count: 0 },
      video_out: { layer0_bytes: 1, layer1_bytes: 2, layer2_bytes: 3, quality_limited_cpu_pct: 0, quality_limited_bandwidth_pct: 5 },
    };
    batch.samples[0]!.labels = { scalability_mode: 'l3t3_key', noise_suppression: 'on', auto_gain_control: 'off' };
    batch.events = [
      { ts: 1, type: 'audit', name: 'join', state: 'unknown' },
      { ts: 1, type: 'feedback', value: 4, message: 'cores=8' },
      { ts: 1, type: 'feedback.complaint', name: 'echo' },
      { ts: 1, type: 'dtls.connecting', state: 'stuck', value: 5000 },
      { ts: 1, type: 'session.end', name: 'pagehide', value: 1.5 },
    ];
    expect(firstError(batch)).toBeUndefined();
  });
});
