import { describe, expect, it } from 'vitest';
import { extractSample, toSnapshot, type SampleBody, type StatsEntry, type StatsSnapshot } from '../src/extract/index.js';
import { createStatsReader, FULL_READ_EVERY } from '../src/extract/stats-reader.js';
import { listDumps, readDump } from './rtcstats-dump.js';

/** A report that reads like a live RTCStatsReport and counts how it is read. */
class CountingReport extends Map<string, StatsEntry> {
  gets: string[] = [];
  fullReads = 0;
  override get(id: string): StatsEntry | undefined {
    this.gets.push(id);
    return super.get(id);
  }
  override forEach(callback: (value: StatsEntry, key: string, map: Map<string, StatsEntry>) => void): void {
    this.fullReads++;
    super.forEach(callback);
  }
}

type Fields = { id: string; type: string; [k: string]: unknown };
const report = (ts: number, ...entries: Fields[]): CountingReport =>
  new CountingReport(entries.map((e) => [e.id, { ...e, timestamp: ts }]));

const transport = (pairId: string, bytes: number): Fields => ({ id: 'T01', type: 'transport', selectedCandidatePairId: pairId, bytesSent: bytes, bytesReceived: bytes });
const pair = (id: string, local: string, bytes: number): Fields => ({
  id, type: 'candidate-pair', localCandidateId: local, remoteCandidateId: 'R1', currentRoundTripTime: 0.04, bytesSent: bytes, bytesReceived: bytes,
});
const local1 = { id: 'L1', type: 'local-candidate', candidateType: 'host', networkType: 'wifi' };
const local2 = { id: 'L2', type: 'local-candidate', candidateType: 'relay', relayProtocol: 'udp' };
const remote1 = { id: 'R1', type: 'remote-candidate', candidateType: 'srflx' };
const codec = { id: 'C1', type: 'codec', mimeType: 'audio/opus' };
const audioIn = (id: string, packets: number): Fields => ({ id, type: 'inbound-rtp', kind: 'audio', ssrc: 1, packetsReceived: packets, packetsLost: 0, bytesReceived: packets * 100 });
const videoIn = (packets: number): Fields => ({ id: 'ITV', type: 'inbound-rtp', kind: 'video', ssrc: 2, packetsReceived: packets, packetsLost: 1, bytesReceived: packets * 1000, framesDecoded: packets });

/** Replays reports through a reader and through full snapshots; returns both sample lists. */
function replayBoth(reports: readonly CountingReport[]): { partial: SampleBody[]; full: SampleBody[]; snapshots: StatsSnapshot[] } {
  const read = createStatsReader();
  const partial: SampleBody[] = [];
  const full: SampleBody[] = [];
  const snapshots: StatsSnapshot[] = [];
  let previousPartial: StatsSnapshot | undefined;
  let previousFull: StatsSnapshot | undefined;
  for (const r of reports) {
    const snapshot = read(r);
    snapshots.push(snapshot);
    partial.push(extractSample(previousPartial, snapshot));
    previousPartial = snapshot;
    const whole = toSnapshot(new Map(Map.prototype.entries.call(r) as Iterable<[string, unknown]>));
    full.push(extractSample(previousFull, whole));
    previousFull = whole;
  }
  return { partial, full, snapshots };
}

describe('createStatsReader over the real dumps', () => {
  it.each(listDumps())('gives %s the same samples as full snapshots', (name) => {
    const readers = new Map<string, ReturnType<typeof createStatsReader>>();
    const previous = new Map<string, [StatsSnapshot | undefined, StatsSnapshot | undefined]>();
    let readInPart = 0;
    for (const { pc, snapshot } of readDump(name).samples) {
      const read = readers.get(pc) ?? createStatsReader();
      readers.set(pc, read);
      const [before, beforeFull] = previous.get(pc) ?? [undefined, undefined];
      const mine = read(new Map(snapshot));
      if (mine.size < snapshot.size) readInPart++;
      expect(extractSample(before, mine)).toEqual(extractSample(beforeFull, snapshot));
      previous.set(pc, [mine, snapshot]);
    }
    // Firefox reports have no transport naming the pair: always read in full.
    if (name.startsWith('firefox')) expect(readInPart).toBe(0);
    if (/^(google|safari)-standard/.test(name)) expect(readInPart).toBeGreaterThan(0);
  });
});

describe('createStatsReader on hand-built reports', () => {
  const path = (bytes: number): Fields[] => [transport('CP1', bytes), pair('CP1', 'L1', bytes), local1, remote1, codec];

  it('reads by id only the walked entries and what they point to, and candidates once', () => {
    const reports = [1, 2, 3].map((i) => report(i * 1000, ...path(i * 5000), audioIn('ITA', i * 50)));
    const { partial, full } = replayBoth(reports);
    expect(partial).toEqual(full);
    expect(reports.map((r) => r.fullReads)).toEqual([1, 0, 0]);
    expect(reports[1]!.gets.sort()).toEqual(['CP1', 'ITA', 'L1', 'R1', 'T01']);
    // Candidates never change under their id: the third report is not asked for them.
    expect(reports[2]!.gets.sort()).toEqual(['CP1', 'ITA', 'T01']);
    expect(reports.flatMap((r) => r.gets)).not.toContain('C1');
    expect(partial[2]!.labels).toMatchObject({ local_candidate_type: 'host', remote_candidate_type: 'srflx', network_type: 'wifi' });
  });

  it('reads in full when a new SSRC appears (the size changes) and reports its stream', () => {
    const reports = [
      report(1000, ...path(1000), audioIn('ITA', 50)),
      report(2000, ...path(2000), audioIn('ITA', 100)),
      report(3000, ...path(3000), audioIn('ITA', 150), videoIn(300)),
      report(4000, ...path(4000), audioIn('ITA', 200), videoIn(600)),
    ];
    const { partial, full, snapshots } = replayBoth(reports);
    expect(partial).toEqual(full);
    expect(reports.map((r) => r.fullReads)).toEqual([1, 0, 1, 0]);
    expect(snapshots[3]!.get('ITV')).toBeDefined();
    expect(partial[3]!.streams.video_in).toMatchObject({ packets: 300, packets_lost: 0, frames: 300 });
  });

  it('reads in full when a remembered id is gone, even if the size stayed', () => {
    const reports = [
      report(1000, ...path(1000), audioIn('ITA', 50)),
      report(2000, ...path(2000), audioIn('ITA', 100)),
      report(3000, ...path(3000), audioIn('ITA2', 10)),
    ];
    const { partial, full, snapshots } = replayBoth(reports);
    expect(partial).toEqual(full);
    expect(reports[2]!.fullReads).toBe(1);
    expect([...snapshots[2]!.keys()]).toContain('ITA2');
    expect(partial[2]!.streams.audio_in?.packets).toBe(10); // the new stream counts from 0, the one gone adds nothing
  });

  it(`catches a stream hidden by a same-size swap at the next periodic full read (every ${FULL_READ_EVERY} reports)`, () => {
    const reports: CountingReport[] = [];
    for (let i = 1; i <= FULL_READ_EVERY + 1; i++) {
      // From the third report on, the codec entry gives way to a video stream: same size, all remembered ids present.
      const extra = i < 3 ? codec : videoIn(i * 30);
      reports.push(report(i * 1000, ...path(i * 1000).filter((e) => e !== codec), audioIn('ITA', i * 50), extra));
    }
    const read = createStatsReader();
    const sawVideo = reports.map((r) => read(r).has('ITV'));
    expect(sawVideo.indexOf(true)).toBe(FULL_READ_EVERY);
    expect(reports[FULL_READ_EVERY]!.fullReads).toBe(1);
  });

  it('reads the report in full when another pair is selected, and takes its deltas from the previous report', () => {
    const relayPath = (bytes: number): Fields[] => [transport('CP2', bytes), pair('CP1', 'L1', bytes), pair('CP2', 'L2', bytes * 2), local1, local2, remote1];
    const reports = [
      report(1000, transport('CP1', 1000), pair('CP1', 'L1', 1000), pair('CP2', 'L2', 2000), local1, local2, remote1, audioIn('ITA', 50)),
      report(2000, ...relayPath(2000), audioIn('ITA', 100)),
      report(3000, ...relayPath(3000), audioIn('ITA', 150)),
    ];
    const { partial, full } = replayBoth(reports);
    expect(partial).toEqual(full);
    expect(reports.map((r) => r.fullReads)).toEqual([1, 1, 0]);
    expect(partial[1]!.labels.local_candidate_type).toBe('relay');
    expect(partial[1]!.conn.relayed_bytes).toBe(4000); // CP2 went from 2000+2000 to 4000+4000 bytes
  });

  it('counts a relay candidate that replaced a host one from the first sample, though the report kept its size', () => {
    // An ICE restart onto TURN: the host candidate and its pair go, the relay candidate and its pair come; the size stays 6.
    const before = (ts: number) => report(ts, transport('CP1', ts), pair('CP1', 'L1', ts), local1, remote1, codec, audioIn('ITA', ts / 20));
    const after = (ts: number) => report(ts, transport('CP2', ts), pair('CP2', 'L2', ts), local2, remote1, codec, audioIn('ITA', ts / 20));
    const reports = [before(1000), before(2000), after(3000), after(4000), after(5000)];
    const { partial, full } = replayBoth(reports);
    expect(partial).toEqual(full);
    expect(partial.map((s) => `${s.labels.local_candidate_type}/${s.conn.turn_allocations}`)).toEqual(['host/0', 'host/0', 'relay/1', 'relay/1', 'relay/1']);
    expect(reports.map((r) => r.fullReads)).toEqual([1, 0, 1, 0, 0]);
  });

  it('always reads Firefox-shaped reports (no transport) and map-likes without get() in full', () => {
    const firefox = (ts: number, packets: number): CountingReport =>
      report(ts, { ...pair('CP1', 'L1', packets), selected: true }, local1, remote1, audioIn('ITA', packets));
    const reports = [firefox(1000, 50), firefox(2000, 100), firefox(3000, 150)];
    const { partial, full } = replayBoth(reports);
    expect(partial).toEqual(full);
    expect(reports.map((r) => r.fullReads)).toEqual([1, 1, 1]);
    expect(reports.flatMap((r) => r.gets)).toEqual([]);

    const read = createStatsReader();
    const withoutGet = (ts: number) => {
      const entries = new Map(path(ts).map((e) => [e.id, { ...e, timestamp: ts }]));
      return { size: entries.size, forEach: entries.forEach.bind(entries) } as unknown as RTCStatsReport;
    };
    for (const ts of [1000, 2000, 3000]) expect(read(withoutGet(ts)).size).toBe(5);
  });

  it(`calls onFullRead on every full read and only then (at least every ${FULL_READ_EVERY} reports)`, () => {
    // A video stream appears with the fourth report (the size changes), then 2 × FULL_READ_EVERY + 1 reports of the same shape.
    const reports: CountingReport[] = [];
    for (let i = 1; i <= 4 + 2 * FULL_READ_EVERY; i++) {
      reports.push(report(i * 1000, ...path(i * 1000), audioIn('ITA', i * 50), ...(i > 3 ? [videoIn(i * 30)] : [])));
    }
    let calls = 0;
    const read = createStatsReader(() => calls++);
    const calledAt = reports.flatMap((r, i) => {
      const before = calls;
      read(r);
      return calls > before ? [i] : [];
    });
    expect(calledAt).toEqual(reports.flatMap((r, i) => (r.fullReads ? [i] : [])));
    expect(calledAt).toEqual([0, 3, 3 + FULL_READ_EVERY, 3 + 2 * FULL_READ_EVERY]);
  });
});
