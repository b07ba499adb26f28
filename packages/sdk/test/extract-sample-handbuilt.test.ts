import { describe, expect, it } from 'vitest';
import { dumpSnapshot, extractSample, toSnapshot, type StatsSnapshot } from '../src/extract/index.js';

type Fields = { id: string; type: string; [k: string]: unknown };

/** A snapshot whose entries all carry timestamp `ts`. */
function snap(ts: number, ...entries: Fields[]): StatsSnapshot {
  return new Map(entries.map((e) => [e.id, { ...e, timestamp: ts }]));
}

const transport = { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1', bytesSent: 0, bytesReceived: 0 };
const pair = { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', currentRoundTripTime: 0.05 };
const local = { id: 'L1', type: 'local-candidate', candidateType: 'relay', relayProtocol: 'udp', networkType: 'wifi', address: '203.0.113.7', port: 3478 };
const remote = { id: 'R1', type: 'remote-candidate', candidateType: 'srflx', address: '198.51.100.2', port: 50000 };
const path = [transport, pair, local, remote];

function video(id: string, fields: Record<string, unknown>): Fields {
  return { id, type: 'inbound-rtp', kind: 'video', ...fields };
}

describe('extractSample on hand-built snapshots', () => {
  it('gives dur 0 and only instantaneous values on the first sample', () => {
    const body = extractSample(undefined, snap(1000, ...path, video('V1', { packetsReceived: 50, packetsLost: 1, bytesReceived: 9000, jitter: 0.012, framesPerSecond: 30, frameHeight: 720 })));
    expect(body.ts).toBe(1000);
    expect(body.dur).toBe(0);
    expect(body.conn).toEqual({ rtt_ms: 50, turn_allocations: 1 });
    expect(body.streams).toEqual({ video_in: { jitter_ms: 12, frame_rate_fps: 30, frame_height_px: 720 } });
  });

  it('computes loss, bitrate and packets over the interval from known numbers', () => {
    const before = snap(1000, ...path, video('V1', { packetsReceived: 1000, packetsLost: 10, bytesReceived: 100_000, framesDecoded: 100 }));
    const after = snap(3000, ...path, video('V1', { packetsReceived: 1095, packetsLost: 15, bytesReceived: 350_000, framesDecoded: 160 }));
    const body = extractSample(before, after);
    expect(body.dur).toBe(2000);
    expect(body.streams.video_in).toEqual({
      packet_loss_pct: 5, // 5 lost of 100 expected
      packets: 95,
      packets_lost: 5,
      bitrate_kbps: 1000, // 250 000 B * 8 / 2 s
      frame_rate_fps: 30,
      frames: 60,
    });
  });

  it('never yields a negative value when counters reset', () => {
    const before = snap(1000, ...path, video('V1', { packetsReceived: 5000, packetsLost: 40, bytesReceived: 9_000_000 }));
    const after = snap(2000, ...path, video('V1', { packetsReceived: 20, packetsLost: 0, bytesReceived: 4000 }));
    const body = extractSample(before, after);
    expect(body.streams.video_in ?? {}).toEqual({});
    expect(JSON.stringify(body)).not.toMatch(/:-/);
  });

  it('handles a stream that disappears and one that appears: the new one counts from 0 (it began within the interval)', () => {
    const before = snap(1000, ...path, video('A', { packetsReceived: 100, bytesReceived: 10_000, framesDecoded: 0 }), video('B', { packetsReceived: 100, bytesReceived: 10_000 }));
    const after = snap(2000, ...path,
      video('A', { packetsReceived: 200, bytesReceived: 20_000, framesDecoded: 30 }),
      video('C', { packetsReceived: 50, bytesReceived: 5_000, framesDecoded: 20, framesPerSecond: 0 }));
    const body = extractSample(before, after);
    expect(body.streams.video_in?.packets).toBe(150); // A's 100 and C's 50; B is gone
    expect(body.streams.video_in?.bitrate_kbps).toBe(120);
    // Counted, not taken from C's current framesPerSecond (0 until the browser's first second is over): (30 + 20) / 2.
    expect(body.streams.video_in?.frames).toBe(50);
    expect(body.streams.video_in?.frame_rate_fps).toBe(25);
  });

  it("takes no loss from a peer's receiver report that is new: its counters began before it first arrived", () => {
    const out = (sent: number): Fields => ({ id: 'O1', type: 'outbound-rtp', kind: 'audio', packetsSent: sent, bytesSent: sent * 100, remoteId: 'RI1' });
    const report: Fields = { id: 'RI1', type: 'remote-inbound-rtp', kind: 'audio', packetsLost: 40, packetsReceived: 960, roundTripTime: 0.05 };
    const body = extractSample(snap(1000, ...path, out(1000)), snap(3000, ...path, out(1100), report));
    expect(body.streams.audio_out?.packets).toBe(100);
    expect(body.streams.audio_out).not.toHaveProperty('packets_lost');
    expect(body.streams.audio_out?.rtt_ms).toBe(50);
  });

  it('combines two streams by the registry rules (ratio, sum, max, mean)', () => {
    const before = snap(1000, ...path,
      video('A', { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, framesDecoded: 0 }),
      video('B', { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, framesDecoded: 0 }));
    const after = snap(2000, ...path,
      video('A', { packetsReceived: 90, packetsLost: 10, bytesReceived: 1000, framesDecoded: 30, jitter: 0.02 }),
      video('B', { packetsReceived: 900, packetsLost: 0, bytesReceived: 3000, framesDecoded: 10, jitter: 0.005 }));
    const values = extractSample(before, after).streams.video_in;
    expect(values?.packet_loss_pct).toBe(1); // 10 of 1000, not the mean of 10 % and 0 %
    expect(values?.packets).toBe(990);
    expect(values?.bitrate_kbps).toBe(32);
    expect(values?.jitter_ms).toBe(20);
    expect(values?.frame_rate_fps).toBe(20);
  });

  it('joins outbound streams to the peer receiver report and derives encoder limitation', () => {
    const out = (sent: number, limited: number, none: number): Fields => ({
      id: 'O1', type: 'outbound-rtp', kind: 'video', packetsSent: sent, bytesSent: sent * 1000, framesEncoded: sent / 10,
      remoteId: 'RI1', qualityLimitationReason: 'bandwidth', qualityLimitationDurations: { none, cpu: 0, bandwidth: limited, other: 0 },
    });
    const report = (lost: number): Fields => ({ id: 'RI1', type: 'remote-inbound-rtp', kind: 'video', packetsLost: lost, jitter: 0.004, roundTripTime: 0.08 });
    const body = extractSample(snap(1000, ...path, out(1000, 0, 10), report(0)), snap(3000, ...path, out(1300, 0.5, 11.5), report(3)));
    expect(body.streams.video_out).toEqual({
      packet_loss_pct: 1, packets_lost: 3, packets: 300, jitter_ms: 4, rtt_ms: 80, bitrate_kbps: 1200, frame_rate_fps: 15,
      quality_limited_pct: 25, quality_limited_bandwidth_pct: 25, quality_limited_cpu_pct: 0, frames: 30,
    });
    expect(body.labels.quality_limitation_reason).toBe('bandwidth');
  });

  it('takes no jitter from a stream that received nothing in the interval (a probing SSRC keeps its old value)', () => {
    const before = snap(1000, ...path, video('LIVE', { packetsReceived: 1000, bytesReceived: 1e6 }), video('PROBE', { packetsReceived: 0, bytesReceived: 0 }));
    const after = snap(3000, ...path,
      video('LIVE', { packetsReceived: 1200, bytesReceived: 1.2e6, jitter: 0.013 }),
      video('PROBE', { packetsReceived: 0, bytesReceived: 0, jitter: 0.038 }));
    expect(extractSample(before, after).streams.video_in?.jitter_ms).toBe(13);
    // With nothing to compare against (the first sample) every stream's jitter counts.
    expect(extractSample(undefined, after).streams.video_in?.jitter_ms).toBe(38);
  });

  it('takes no loss, jitter or RTT from the receiver report of a stream that sent nothing (a paused simulcast layer)', () => {
    const layer = (id: string, remoteId: string, sent: number): Fields =>
      ({ id, type: 'outbound-rtp', kind: 'video', rid: id, packetsSent: sent, bytesSent: sent * 1000, remoteId });
    const report = (id: string, ts: number, rtt: number, lost: number) =>
      [id, { id, type: 'remote-inbound-rtp', kind: 'video', timestamp: ts, packetsLost: lost, jitter: rtt / 10, roundTripTime: rtt }] as const;
    const withReports = (snapshot: StatsSnapshot, ...reports: ReturnType<typeof report>[]): StatsSnapshot => new Map([...snapshot, ...reports]);
    const before = withReports(snap(1000, ...path, layer('h', 'RH', 100), layer('q', 'RQ', 500)), report('RH', 900, 0.204, 7), report('RQ', 900, 0.03, 0));
    // The high layer is paused (nothing sent) while its peer still reports its old values; the live layer sent 200 packets.
    // The live layer's report did not move in this interval (reports come every few seconds): its values still count.
    const after = withReports(snap(3000, ...path, layer('h', 'RH', 100), layer('q', 'RQ', 700)), report('RH', 2900, 0.204, 9), report('RQ', 900, 0.032, 2));
    const out = extractSample(before, after).streams.video_out;
    expect(out?.rtt_ms).toBe(32);
    expect(out?.jitter_ms).toBe(3.2);
    expect(out?.packets_lost).toBe(2);
  });

  it('leaves a stream that carried no media bytes out of the frame rate and height (a paused layer, a camera turned off, padding only)', () => {
    const layer = (id: string, sent: number, frames: number, height: number): Fields =>
      ({ id, type: 'outbound-rtp', kind: 'video', rid: id, packetsSent: sent, bytesSent: sent * 1000, framesEncoded: frames, frameHeight: height });
    // The high layer is paused: nothing sent, no frames, its last height (720) still in its stats; the low layer runs at 20 fps.
    const sending = extractSample(
      snap(1000, ...path, layer('h', 500, 100, 720), layer('q', 400, 100, 180)),
      snap(3000, ...path, layer('h', 500, 100, 720), layer('q', 600, 140, 180)),
    ).streams.video_out;
    expect(sending).toMatchObject({ frame_rate_fps: 20, frame_height_px: 180, frames: 40 });
    // Before: a mean of 10 fps (the paused layer as 0) and a height of 720.
    const receiving = extractSample(
      snap(1000, ...path, video('A', { packetsReceived: 100, bytesReceived: 1e5, framesDecoded: 50, frameHeight: 480 }), video('B', { packetsReceived: 100, bytesReceived: 1e5, framesDecoded: 50, frameHeight: 720 })),
      snap(3000, ...path, video('A', { packetsReceived: 300, bytesReceived: 3e5, framesDecoded: 110, frameHeight: 480 }), video('B', { packetsReceived: 100, bytesReceived: 1e5, framesDecoded: 50, frameHeight: 720 })),
    ).streams.video_in;
    expect(receiving).toMatchObject({ frame_rate_fps: 30, frame_height_px: 480 });
    // Packets without media bytes (padding or probes on a stream of its own, Firefox) are no video either.
    const padding = extractSample(
      snap(1000, ...path, video('A', { packetsReceived: 100, bytesReceived: 1e5, framesDecoded: 50, frameHeight: 480 }), video('P', { packetsReceived: 0, bytesReceived: 0, framesDecoded: 0 })),
      snap(3000, ...path, video('A', { packetsReceived: 300, bytesReceived: 3e5, framesDecoded: 110, frameHeight: 480 }), video('P', { packetsReceived: 60, bytesReceived: 0, framesDecoded: 0, framesPerSecond: 0 })),
    ).streams.video_in;
    expect(padding).toMatchObject({ frame_rate_fps: 30, frame_height_px: 480 });
    // Bytes but no frames (a decoder that stalls) is video at 0 fps, and counts.
    const stalled = extractSample(
      snap(1000, ...path, video('A', { packetsReceived: 100, bytesReceived: 1e5, framesDecoded: 50, frameHeight: 480 })),
      snap(3000, ...path, video('A', { packetsReceived: 300, bytesReceived: 3e5, framesDecoded: 50, frameHeight: 480 })),
    ).streams.video_in;
    expect(stalled).toMatchObject({ frame_rate_fps: 0, frame_height_px: 480 });
  });

  it('gives no interval values when time did not advance', () => {
    const entries = [...path, video('V1', { packetsReceived: 10, bytesReceived: 100 })];
    const body = extractSample(snap(5000, ...entries), snap(5000, ...entries));
    expect(body.dur).toBe(0);
    expect(body.streams.video_in?.packets).toBeUndefined();
  });

  it('gives no interval values after more than an hour (a laptop asleep): the wire allows at most an hour', () => {
    const before = snap(1000, ...path, video('V1', { packetsReceived: 10, bytesReceived: 100 }));
    const after = (ts: number) => snap(ts, ...path, video('V1', { packetsReceived: 20, bytesReceived: 200 }));
    expect(extractSample(before, after(1000 + 3_600_000)).dur).toBe(3_600_000);
    const asleep = extractSample(before, after(1001 + 3_600_000));
    expect(asleep.dur).toBe(0);
    expect(asleep.streams.video_in?.packets).toBeUndefined();
  });

  it('labels the path without copying addresses; unknown values become other', () => {
    const body = extractSample(undefined, snap(1, transport, pair, { ...local, networkType: 'satellite' }, remote));
    expect(body.labels).toEqual({ local_candidate_type: 'relay', remote_candidate_type: 'srflx', relay_protocol: 'udp', network_type: 'other' });
    expect(JSON.stringify(body)).not.toMatch(/203\.0|198\.51|3478|50000/);
  });

  it('finds Firefox\'s selected pair without transport stats, and Safari\'s relay protocol from the TURN URL', () => {
    const ffPair = { ...pair, id: 'P9', selected: true, currentRoundTripTime: undefined, bytesSent: 10, bytesReceived: 20 };
    const safariLocal = { ...local, relayProtocol: undefined, url: 'turns:turn.example.org:443?transport=tcp' };
    const body = extractSample(undefined, snap(7, ffPair, safariLocal, remote));
    expect(body.ts).toBe(7);
    expect(body.labels.relay_protocol).toBe('tls');
  });
});

describe('toSnapshot', () => {
  it('keeps a live report as it is; a dump snapshot gives an entry without an id its key and skips non-stats values', () => {
    const fields = { type: 'transport', timestamp: 5, bytesSent: 1 };
    const fromMap = toSnapshot(new Map([['T', { id: 'T', ...fields }]]));
    const fromDump = dumpSnapshot({ T: fields, timestamp: 99, U: { id: 'U', type: 'codec', timestamp: 'x' } });
    expect(fromMap.get('T')).toEqual({ id: 'T', ...fields });
    expect(fromDump.get('T')).toEqual({ id: 'T', ...fields });
    expect(fromDump.get('U')).toEqual({ id: 'U', type: 'codec', timestamp: 0 });
    expect(fromDump.size).toBe(2);
  });
});
