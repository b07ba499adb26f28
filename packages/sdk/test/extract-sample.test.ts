import { SampleSchema } from '@rtcpulse/schema';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { extractSample, type SampleBody, type StatsEntry, type StatsSnapshot } from '../src/extract/index.js';
import { listDumps, readDump, type DumpSample } from './rtcstats-dump.js';

interface Replayed {
  sample: DumpSample;
  body: SampleBody;
}

/** Feeds every snapshot of a dump through extractSample, per peer connection, in order. */
function replay(name: string): Replayed[] {
  const previous = new Map<string, StatsSnapshot>();
  return readDump(name).samples.map((sample) => {
    const body = extractSample(previous.get(sample.pc), sample.snapshot);
    previous.set(sample.pc, sample.snapshot);
    return { sample, body };
  });
}

function numbersOf(body: SampleBody): [string, number][] {
  const found: [string, number][] = [['ts', body.ts], ['dur', body.dur]];
  for (const [key, value] of Object.entries(body.conn)) found.push([`conn.${key}`, value]);
  for (const [stream, values] of Object.entries(body.streams)) {
    for (const [key, value] of Object.entries(values)) found.push([`${stream}.${key}`, value as number]);
  }
  return found;
}

/** The candidate types of the selected pair as the raw stats state them (transport link or Firefox's flag). */
function rawSelectedTypes(snapshot: StatsSnapshot): { local?: unknown; remote?: unknown } | undefined {
  const all = [...snapshot.values()];
  const pairId = all.find((e) => e.type === 'transport' && typeof e['selectedCandidatePairId'] === 'string')?.[
    'selectedCandidatePairId'
  ];
  const pair = all.find((e) => e.type === 'candidate-pair' && (e.id === pairId || e['selected'] === true));
  if (!pair) return undefined;
  const candidate = (id: unknown): StatsEntry | undefined => all.find((e) => e.id === id);
  return {
    local: candidate(pair['localCandidateId'])?.['candidateType'],
    remote: candidate(pair['remoteCandidateId'])?.['candidateType'],
  };
}

const IPV4 = /\b\d{1,3}(\.\d{1,3}){3}\b|x\.x\.x\.x/;
const IPV6 = /\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\b|x:x:x/i;
const COUNTS = ['packets', 'packets_lost', 'freeze_count', 'bytes_sent', 'bytes_received'];
const CONNECTED = new Set(['connected', 'completed']);
/** Chrome's old callback getStats() format (googCandidatePair, ssrc): not what promise getStats() returns. */
const LEGACY_GOOG = new Set(['chrome96-standard-stats-p2p-add-transceiver.rtcstats']);

describe.each(listDumps())('replaying %s', (name) => {
  const replayed = replay(name);

  it('has snapshots', () => {
    expect(replayed.length).toBeGreaterThan(0);
  });

  it('produces only finite, non-negative numbers; counts are integers; shares within 0..100', () => {
    for (const { body } of replayed) {
      for (const [key, value] of numbersOf(body)) {
        expect(Number.isFinite(value), key).toBe(true);
        expect(value, key).toBeGreaterThanOrEqual(0);
        if (COUNTS.some((count) => key.endsWith(`.${count}`))) expect(Number.isInteger(value), key).toBe(true);
        if (key.endsWith('_pct')) expect(value, key).toBeLessThanOrEqual(100);
        // 0..1 as the spec says (older Chrome wrote inbound-rtp's on a 16-bit scale: 195 for 0.006).
        if (key.endsWith('.audio_level')) expect(value, key).toBeLessThanOrEqual(1);
      }
    }
  });

  it('builds only samples the collector\'s wire schema accepts', () => {
    for (const { sample, body } of replayed) {
      const wire = { ...body, pc: 'pc0', seq: sample.index };
      expect(Value.Check(SampleSchema, wire), JSON.stringify(Value.Errors(SampleSchema, wire).First()?.path)).toBe(true);
    }
  });

  it('estimates a MOS within 1..4.5 for every audio direction with loss measured', () => {
    for (const { body } of replayed) {
      for (const audio of [body.streams.audio_in, body.streams.audio_out]) {
        if (audio?.packet_loss_pct === undefined || (audio === body.streams.audio_in && body.conn.rtt_ms === undefined)) continue;
        expect(audio.mos).toBeGreaterThanOrEqual(1);
        expect(audio.mos).toBeLessThanOrEqual(4.5);
      }
    }
  });

  it('starts each peer connection with dur 0 and no interval values', () => {
    for (const { sample, body } of replayed.filter((r) => r.sample.index === 0)) {
      expect(body.dur, sample.pc).toBe(0);
      expect(body.conn.bytes_sent).toBeUndefined();
      for (const values of Object.values(body.streams)) {
        expect(values).not.toHaveProperty('packets');
        expect(values).not.toHaveProperty('bitrate_kbps');
      }
    }
  });

  it('never copies an address, port or URL into a sample', () => {
    for (const { body } of replayed) {
      const json = JSON.stringify(body);
      expect(json).not.toMatch(IPV4);
      expect(json).not.toMatch(IPV6);
      for (const label of Object.values(body.labels)) expect(label).toMatch(/^[a-z0-9_]+$/);
    }
  });

  it('labels the selected candidate types the dump states', () => {
    for (const { sample, body } of replayed) {
      const raw = rawSelectedTypes(sample.snapshot);
      if (!raw || LEGACY_GOOG.has(name)) continue;
      expect(body.labels.local_candidate_type).toBe(raw.local);
      expect(body.labels.remote_candidate_type).toBe(raw.remote);
    }
  });

  it('reports a plausible RTT once connected', () => {
    if (LEGACY_GOOG.has(name)) return;
    const connected = replayed.filter((r) => CONNECTED.has(r.sample.iceState ?? '') && r.body.labels.local_candidate_type);
    if (!/failed|undefined-ice/.test(name)) expect(connected.length).toBeGreaterThan(0);
    for (const pc of new Set(connected.map((r) => r.sample.pc))) {
      const rtts = connected.filter((r) => r.sample.pc === pc).map((r) => r.body.conn.rtt_ms);
      // Firefox has no pair RTT: its stand-in, the RTCP RTT, needs a receiver report or two first.
      const first = rtts.findIndex((rtt) => rtt !== undefined);
      expect(first, pc).toBeGreaterThanOrEqual(0);
      expect(first, pc).toBeLessThanOrEqual(2);
      const measured = rtts.slice(first);
      for (const rtt of measured) {
        expect(rtt, pc).toBeGreaterThanOrEqual(0);
        // Real stalls exist: safari-relay shows a 5.5 s ICE RTT (RTCP says 7 s) for one interval.
        expect(rtt, pc).toBeLessThan(10_000);
      }
      const sorted = measured.map(Number).sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length / 2)], `median ${pc}`).toBeLessThan(1000);
    }
    for (const values of connected.flatMap((r) => [r.body.streams.audio_out, r.body.streams.video_out])) {
      if (values?.rtt_ms !== undefined) expect(values.rtt_ms).toBeGreaterThan(0);
    }
  });

  it('has an inbound bitrate whenever inbound packets flow', () => {
    for (const { body } of replayed) {
      for (const values of [body.streams.audio_in, body.streams.video_in]) {
        if (values?.packets !== undefined && values.packets > 0) expect(values.bitrate_kbps).toBeGreaterThan(0);
      }
    }
  });

  if (name.includes('relay')) it('selects a TURN relay at some point, with its protocol', () => {
    const relayed = replayed.filter((r) => r.body.labels.local_candidate_type === 'relay');
    expect(relayed.length).toBeGreaterThan(0);
    for (const { body } of relayed) expect(['udp', 'tcp', 'tls']).toContain(body.labels.relay_protocol);
    // Bytes through the relay: the selected pair's share of the transport's bytes.
    const withBytes = relayed.filter((r) => r.body.conn.relayed_bytes !== undefined);
    expect(withBytes.length).toBeGreaterThan(0);
    for (const { body } of withBytes) {
      expect(body.conn.relayed_bytes).toBeLessThanOrEqual((body.conn.bytes_sent ?? 0) + (body.conn.bytes_received ?? 0));
    }
  });

  if (name.includes('sfu')) it('receives inbound video from the SFU', () => {
    const video = replayed.filter((r) => (r.body.streams.video_in?.bitrate_kbps ?? 0) > 0);
    expect(video.length).toBeGreaterThan(replayed.length / 2);
  });

  if (LEGACY_GOOG.has(name)) it('derives nothing from the legacy goog* format, without failing', () => {
    for (const { body } of replayed) {
      expect(body.streams).toEqual({});
      expect(body.ts).toBeGreaterThan(0);
    }
  });
});
