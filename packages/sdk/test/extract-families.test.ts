import { METRICS, SAMPLE_LABELS, SampleSchema, isStreamMetric, type MetricDefinition } from '@rtcpulse/schema';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { estimateMos, extractSample, type StatsSnapshot } from '../src/extract/index.js';
import { MAX_KEYS, MEAN_KEYS, MIN_KEYS, SCALABILITY_MODE, labelValue } from '../src/extract/registry-rules.js';

type Fields = { id: string; type: string; [k: string]: unknown };

function snap(ts: number, ...entries: Fields[]): StatsSnapshot {
  return new Map(entries.map((e) => [e.id, { ...e, timestamp: ts }]));
}

const transport = { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1', bytesSent: 0, bytesReceived: 0 };
const pair = (bytesSent: number, bytesReceived: number): Fields => ({
  id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', currentRoundTripTime: 0.1, bytesSent, bytesReceived,
});
const relayLocal = { id: 'L1', type: 'local-candidate', candidateType: 'relay', relayProtocol: 'tcp', address: '203.0.113.7' };
const remote = { id: 'R1', type: 'remote-candidate', candidateType: 'host', address: '198.51.100.2' };

describe('quality family', () => {
  it('estimates MOS per audio direction from the interval\'s loss, jitter, buffer and RTT', () => {
    const audioIn = (received: number, lost: number): Fields => ({
      id: 'AI', type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter: 0.01,
      jitterBufferDelay: received * 0.04, jitterBufferEmittedCount: received,
    });
    const audioOut = (sent: number): Fields => ({ id: 'AO', type: 'outbound-rtp', kind: 'audio', packetsSent: sent, remoteId: 'RI' });
    const report = (lost: number, received: number): Fields => ({
      id: 'RI', type: 'remote-inbound-rtp', kind: 'audio', packetsLost: lost, packetsReceived: received, jitter: 0.02, roundTripTime: 0.2,
    });
    const body = extractSample(
      snap(1000, transport, pair(0, 0), audioIn(1000, 0), audioOut(1000), report(0, 1000)),
      snap(3000, transport, pair(0, 0), audioIn(1095, 5), audioOut(1100), report(10, 1090)),
    );
    // Inbound: 5 % loss, 40 ms buffer, 100 ms RTT (the pair's).
    expect(body.streams.audio_in?.mos).toBeCloseTo(estimateMos(100, 10, 5, 40), 2);
    // Outbound: 10 % loss as the peer reports, its 200 ms RTCP RTT, buffer estimated as 2 × 20 ms jitter.
    expect(body.streams.audio_out?.mos).toBeCloseTo(estimateMos(200, 20, 10), 2);
    expect(body.streams.audio_out!.mos!).toBeLessThan(body.streams.audio_in!.mos!);
  });

  it('gives no MOS on a first sample (no interval loss yet)', () => {
    const body = extractSample(undefined, snap(1, transport, pair(0, 0), { id: 'AI', type: 'inbound-rtp', kind: 'audio', packetsReceived: 5, packetsLost: 0 }));
    expect(body.streams.audio_in?.mos).toBeUndefined();
  });

  it('splits encoder limitation by reason and counts frames, key frames, PLI and FIR (runbook 11)', () => {
    const out = (t: number, frames: number, keys: number, pli: number, fir: number, cpu: number, bw: number): Fields => ({
      id: 'VO', type: 'outbound-rtp', kind: 'video', framesEncoded: frames, keyFramesEncoded: keys, pliCount: pli, firCount: fir,
      qualityLimitationDurations: { none: t - cpu - bw, cpu, bandwidth: bw, other: 0 }, scalabilityMode: 'L3T3_KEY',
    });
    const inbound = (frames: number, keys: number, pli: number): Fields => ({
      id: 'VI', type: 'inbound-rtp', kind: 'video', framesDecoded: frames, keyFramesDecoded: keys, pliCount: pli, firCount: 0,
      freezeCount: 1, totalFreezesDuration: 0.3,
    });
    const body = extractSample(
      snap(1000, transport, out(10, 100, 2, 1, 0, 1, 1), inbound(100, 1, 0)),
      snap(3000, transport, out(12, 160, 5, 4, 1, 1.5, 2), inbound(150, 3, 2)),
    );
    expect(body.streams.video_out).toMatchObject({
      frames: 60, key_frames: 3, pli_count: 3, fir_count: 1, frame_rate_fps: 30,
      quality_limited_cpu_pct: 25, quality_limited_bandwidth_pct: 50, quality_limited_pct: 75,
    });
    expect(body.streams.video_in).toMatchObject({ frames: 50, key_frames: 2, pli_count: 2, fir_count: 0, freeze_count: 0, freeze_time_pct: 0 });
    expect(body.labels.scalability_mode).toBe('l3t3_key');
  });

  it('measures audio levels as RMS over the interval: the microphone (media-source) and what plays out (runbook 6)', () => {
    const source = (energy: number, seconds: number): Fields => ({
      id: 'MS', type: 'media-source', kind: 'audio', audioLevel: 0.9, totalAudioEnergy: energy, totalSamplesDuration: seconds,
    });
    const out = { id: 'AO', type: 'outbound-rtp', kind: 'audio', mediaSourceId: 'MS', packetsSent: 0 };
    const inbound = (energy: number, seconds: number): Fields => ({
      id: 'AI', type: 'inbound-rtp', kind: 'audio', audioLevel: 0.001, totalAudioEnergy: energy, totalSamplesDuration: seconds,
    });
    const body = extractSample(
      snap(1000, transport, out, source(1, 10), inbound(0, 10)),
      snap(3000, transport, out, source(1 + 0.01 * 2, 12), inbound(0.0002, 12)),
    );
    expect(body.streams.audio_out?.audio_level).toBeCloseTo(0.1, 3); // sqrt(0.02 / 2)
    expect(body.streams.audio_in?.audio_level).toBeCloseTo(0.01, 3); // sqrt(0.0002 / 2)
    // Without an interval, the current level.
    expect(extractSample(undefined, snap(1, transport, out, source(1, 10))).streams.audio_out?.audio_level).toBe(0.9);
  });

  it('gives the A/V playout offset when one audio and one video are received (runbook 7)', () => {
    const a = { id: 'A', type: 'inbound-rtp', kind: 'audio', estimatedPlayoutTimestamp: 3_900_000_000_000 };
    const v = { id: 'V', type: 'inbound-rtp', kind: 'video', estimatedPlayoutTimestamp: 3_900_000_000_120 };
    expect(extractSample(undefined, snap(1, transport, a, v)).conn.av_sync_ms).toBe(120);
    expect(extractSample(undefined, snap(1, transport, a, v, { ...v, id: 'V2' })).conn.av_sync_ms).toBeUndefined();
  });
});

describe('cost family', () => {
  it('leaves out a frame height of 0 (no frame decoded or encoded yet), and takes the tallest of several streams', () => {
    const video = (id: string, type: string, frameHeight: number | undefined): Fields => ({ id, type, kind: 'video', frameHeight });
    const body = extractSample(undefined, snap(1000, transport, video('VI', 'inbound-rtp', 0), video('VO', 'outbound-rtp', 0)));
    expect(body.streams.video_in).not.toHaveProperty('frame_height_px');
    expect(body.streams.video_out).not.toHaveProperty('frame_height_px');
    const layers = extractSample(undefined, snap(1000, transport, video('Q', 'outbound-rtp', 180), video('F', 'outbound-rtp', 720), video('H', 'outbound-rtp', 0)));
    expect(layers.streams.video_out?.frame_height_px).toBe(720);
  });

  it('counts bytes per simulcast layer by encodingIndex, only for simulcast streams (runbook 4)', () => {
    const layer = (id: string, rid: string, index: number, bytes: number): Fields => ({
      id, type: 'outbound-rtp', kind: 'video', rid, encodingIndex: index, bytesSent: bytes,
    });
    const body = extractSample(
      snap(1000, transport, layer('Q', 'q', 0, 0), layer('H', 'h', 1, 0), layer('F', 'f', 2, 0), layer('X', 'x', 3, 0), layer('Y', 'y', 1.5, 0), layer('Z', 'z', -1, 0)),
      snap(2000, transport, layer('Q', 'q', 0, 10_000), layer('H', 'h', 1, 40_000), layer('F', 'f', 2, 150_000), layer('X', 'x', 3, 1), layer('Y', 'y', 1.5, 2), layer('Z', 'z', -1, 4)),
    );
    // Layers above the third, and indexes that are not whole or are negative, add to layer 2 (never a key the wire does not know).
    expect(body.streams.video_out).toMatchObject({ layer0_bytes: 10_000, layer1_bytes: 40_000, layer2_bytes: 150_007 });
    const single = extractSample(
      snap(1000, transport, { id: 'V', type: 'outbound-rtp', kind: 'video', bytesSent: 0 }),
      snap(2000, transport, { id: 'V', type: 'outbound-rtp', kind: 'video', bytesSent: 5 }),
    );
    expect(single.streams.video_out?.layer0_bytes).toBeUndefined();
  });

  it('counts bytes through our TURN relay only when the selected local candidate is a relay', () => {
    const relayed = extractSample(snap(1000, transport, pair(100, 200), relayLocal, remote), snap(2000, transport, pair(1100, 2200), relayLocal, remote));
    expect(relayed.conn.relayed_bytes).toBe(3000);
    expect(relayed.labels.relay_protocol).toBe('tcp');
    const hostLocal = { ...relayLocal, candidateType: 'host' };
    const direct = extractSample(snap(1000, transport, pair(100, 200), hostLocal, remote), snap(2000, transport, pair(1100, 2200), hostLocal, remote));
    expect(direct.conn.relayed_bytes).toBeUndefined();
  });

  it('counts the TURN allocations a connection holds: its local relay candidates, selected or not (runbook entry 10)', () => {
    // Two network interfaces, one TURN server: two allocations, while the selected pair is direct.
    const secondRelay = { ...relayLocal, id: 'L2' };
    const hostLocal = { ...relayLocal, id: 'L3', candidateType: 'host' };
    const remoteRelay = { ...remote, id: 'R2', candidateType: 'relay' };
    const direct = { ...pair(100, 200), localCandidateId: 'L3' };
    const body = extractSample(undefined, snap(1000, transport, direct, relayLocal, secondRelay, hostLocal, remote, remoteRelay));
    expect(body.labels.local_candidate_type).toBe('host');
    expect(body.conn.turn_allocations).toBe(2);
    expect(extractSample(undefined, snap(1000, transport, direct, hostLocal, remote)).conn.turn_allocations).toBe(0);
  });
});

describe('SDK copies of registry rules', () => {
  const registry: readonly MetricDefinition[] = METRICS;
  const streamMetrics = registry.filter(isStreamMetric);

  it('lists exactly the registry\'s max, mean and min stream metrics', () => {
    const keysWith = (rule: string): string[] => streamMetrics.filter((m) => m.aggregation === rule).map((m) => m.key).sort();
    expect([...MAX_KEYS].sort()).toEqual(keysWith('max'));
    expect([...MEAN_KEYS].sort()).toEqual(keysWith('mean'));
    expect([...MIN_KEYS].sort()).toEqual(keysWith('min'));
  });

  it('accepts exactly the registry\'s scalability modes', () => {
    const known: readonly string[] = SAMPLE_LABELS.find((l) => l.key === 'scalability_mode')?.values ?? [];
    const all: string[] = [];
    for (const p of ['l', 's']) for (const s of [1, 2, 3, 4]) for (const t of [1, 2, 3, 4]) for (const k of ['', '_key']) all.push(`${p}${s}t${t}${k}`);
    for (const mode of all) expect(SCALABILITY_MODE.test(mode), mode).toBe(known.includes(mode));
    expect(labelValue('scalability_mode', 'L1T3')).toBe('l1t3');
    expect(labelValue('scalability_mode', 'weird')).toBe('other');
  });

  it('builds samples the wire schema accepts, from a snapshot with every family', () => {
    const body = extractSample(snap(1000, transport, pair(0, 0), relayLocal, remote), snap(2000, transport, pair(10, 10), relayLocal, remote));
    expect(Value.Check(SampleSchema, { ...body, pc: 'pc0', seq: 0 })).toBe(true);
  });
});

describe('hostile stats', () => {
  it('never throws and never yields a non-finite or negative value', () => {
    const garbage: unknown[] = [null, undefined, NaN, -Infinity, Infinity, -5, 'abc', '12', {}, [], { a: 1 }, 1e308, true];
    for (const g of garbage) {
      const entries = ['inbound-rtp', 'outbound-rtp', 'remote-inbound-rtp', 'media-source', 'candidate-pair', 'transport', 'local-candidate'].map(
        (type, i): Fields => ({
          id: `E${i}`, type, kind: i % 2 ? 'audio' : 'video', packetsReceived: g, packetsLost: g, bytesSent: g, bytesReceived: g,
          jitter: g, roundTripTime: g, currentRoundTripTime: g, totalAudioEnergy: g, totalSamplesDuration: g, framesDecoded: g,
          qualityLimitationDurations: g, selectedCandidatePairId: 'E4', localCandidateId: 'E6', candidateType: g, mediaSourceId: 'E3',
          remoteId: 'E2', estimatedPlayoutTimestamp: g, rid: g, encodingIndex: g, scalabilityMode: g, trackId: g,
        }),
      );
      const before = snap(1000, ...entries);
      const after = snap(3000, ...entries.map((e) => ({ ...e, packetsReceived: 5, bytesSent: 1 })));
      const body = extractSample(before, after);
      const json = JSON.stringify(body);
      expect(json).not.toMatch(/null|NaN|Infinity|:-/);
    }
  });
});
