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
});
