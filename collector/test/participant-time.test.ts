import type { ReportBatch, Sample } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { createCoveredMinutes } from '../src/telemetry/session-values.js';

const T0 = 1_764_000_000_000;
const INTERVAL = 2000;

function sample(pc: string, tick: number, first: boolean): Sample {
  return { pc, seq: tick, ts: T0 + tick * INTERVAL, dur: first ? 0 : INTERVAL, conn: {}, streams: {}, labels: {} };
}

/** Samples in the order the SDK takes them: every connection once per round, `ticks` rounds 2 s apart. */
function rounds(pcs: readonly string[], ticks: readonly number[]): Sample[] {
  return ticks.flatMap((tick, i) => pcs.map((pc) => sample(pc, tick, i === 0)));
}

/** Batches as the SDK sends them: as soon as ten samples wait, whatever the number of connections. */
function batches(samples: readonly Sample[], sessionId = 's', size = 10): ReportBatch[] {
  const out: ReportBatch[] = [];
  for (let i = 0; i < samples.length; i += size) {
    out.push({
      v: 1, sdkVersion: '0.1.0', tenant: 't', sessionId, callId: 'c', participantId: 'p', batchSeq: out.length, sentAt: T0,
      meta: {}, dropped: { samples: 0, events: 0 }, samples: samples.slice(i, i + size), events: [],
    });
  }
  return out;
}

const minutes = (values: ReadonlyArray<number | undefined>): number => values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
const ticks = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('participant time from the batches of a session', () => {
  it.each([1, 2, 3, 12, 50])('counts side-by-side connections once, however batches split a round (%i connections)', (n) => {
    const covered = createCoveredMinutes();
    const pcs = Array.from({ length: n }, (_, i) => `pc${i}`);
    // 300 rounds: 299 intervals of 2 s after the first sample = 9.97 minutes.
    const total = minutes(batches(rounds(pcs, ticks(0, 300))).map(covered));
    expect(total).toBeCloseTo((299 * INTERVAL) / 60_000, 9);
  });

  it('adds up connections that follow one another (a reconnect)', () => {
    const covered = createCoveredMinutes();
    const samples = [...rounds(['pc-a'], ticks(0, 150)), ...rounds(['pc-b'], ticks(150, 300))];
    // Each connection's first sample has no interval: 149 + 149 intervals.
    expect(minutes(batches(samples).map(covered))).toBeCloseTo((298 * INTERVAL) / 60_000, 9);
  });

  it('counts a connection added late only for the time nobody covered', () => {
    const covered = createCoveredMinutes();
    // pc-a samples all along; a screen-share connection joins at round 100.
    const samples = ticks(0, 200).flatMap((tick) => [sample('pc-a', tick, tick === 0), ...(tick >= 100 ? [sample('screen', tick, tick === 100)] : [])]);
    expect(minutes(batches(samples).map(covered))).toBeCloseTo((199 * INTERVAL) / 60_000, 9);
  });

  it('counts an older batch that arrives after newer ones (a retried batch, the burst at page hide)', () => {
    const covered = createCoveredMinutes();
    const sent = batches(rounds(['pc-a', 'pc-b'], ticks(0, 60)));
    const late = sent.splice(2, 1);
    const total = minutes([...sent, ...late].map(covered));
    expect(total).toBeCloseTo((59 * INTERVAL) / 60_000, 9);
    // Sent again, every batch adds nothing.
    expect(minutes(sent.map(covered))).toBe(0);
  });

  it('keeps at most a bounded number of stretches per session, losing no time but the gaps it joins', () => {
    const covered = createCoveredMinutes();
    // Every other 10-sample batch of one connection first (40 separate stretches), then the ones between.
    const sent = batches(rounds(['pc'], ticks(0, 800)));
    const odd = sent.filter((_, i) => i % 2 === 1);
    const even = sent.filter((_, i) => i % 2 === 0);
    const first = minutes(odd.map(covered));
    expect(first).toBeCloseTo((odd.length * 10 * INTERVAL) / 60_000, 9);
    const total = first + minutes(even.map(covered));
    // Joined gaps count as covered when joined, so the batches filling them later add nothing: less than the whole call
    // (without the bound it would be exactly the whole call), and more than the odd batches alone.
    expect(total).toBeLessThan((799 * INTERVAL) / 60_000 - 1e-9);
    expect(total).toBeGreaterThan(first);
  });

  it('keeps sessions apart, forgets the oldest beyond its bound, and records nothing for a batch without intervals', () => {
    const covered = createCoveredMinutes(2);
    const one = (sessionId: string, from: number): number | undefined => covered(batches(rounds(['pc'], ticks(from, from + 6)), sessionId, 6)[0]!);
    expect(one('a', 0)).toBeCloseTo((5 * INTERVAL) / 60_000, 9);
    expect(one('b', 0)).toBeCloseTo((5 * INTERVAL) / 60_000, 9);
    expect(one('a', 0)).toBeUndefined(); // the same time again adds nothing
    expect(one('c', 0)).toBeCloseTo((5 * INTERVAL) / 60_000, 9);
    expect(one('b', 0)).toBeCloseTo((5 * INTERVAL) / 60_000, 9); // forgotten: 'a' and 'c' were more recent
    expect(covered(batches([sample('pc', 0, true)])[0]!)).toBeUndefined();
  });
});
