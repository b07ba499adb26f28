import { describe, expect, it } from 'vitest';
import { estimateMos, mosFromR, rFactor } from '../src/extract/index.js';

describe('E-model MOS', () => {
  it('maps R to MOS on the G.107 Annex B reference points', () => {
    // R: 93.2 is the default (no impairment) rating; 90/80/70/60/50 are the G.109 category boundaries.
    const reference: Array<[number, number]> = [[100, 4.5], [93.2, 4.41], [90, 4.34], [80, 4.02], [70, 3.6], [60, 3.1], [50, 2.58], [0, 1]];
    for (const [r, mos] of reference) expect(mosFromR(r), `R=${r}`).toBeCloseTo(mos, 2);
  });

  it('rates a clean call excellent and known impairments where the model puts them', () => {
    expect(estimateMos(0, 0, 0)).toBeCloseTo(4.4, 1); // only the 20 ms codec delay
    expect(rFactor(0, 0, 0)).toBeCloseTo(93.2 - 0.024 * 20, 6);
    // 5 % random loss: Ie,eff = 95 × 5 / (5 + 25.1) ≈ 15.8 → R ≈ 76.9 → MOS ≈ 3.9.
    expect(estimateMos(0, 0, 5)).toBeCloseTo(3.9, 1);
    // 300 ms RTT with a 40 ms buffer: d = 210 ms → Id ≈ 8.6 → MOS ≈ 4.2.
    expect(estimateMos(300, 0, 0, 40)).toBeCloseTo(4.2, 1);
    // The "degraded" line (3.6) is crossed between 7 % and 8 % loss on a short path.
    expect(estimateMos(40, 5, 7)).toBeGreaterThan(3.6);
    expect(estimateMos(40, 5, 8)).toBeLessThan(3.6);
    expect(estimateMos(2000, 200, 60)).toBe(1);
  });

  it('never rises with more loss, more RTT, more jitter or more buffering', () => {
    const losses = [0, 0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 75, 100];
    const rtts = [0, 10, 50, 100, 200, 300, 354.6, 400, 600, 1000, 2000, 5000];
    const jitters = [0, 2, 5, 10, 30, 50, 100, 200, 400];
    for (const loss of losses) {
      for (const rtt of rtts) {
        for (let j = 1; j < jitters.length; j++) {
          expect(estimateMos(rtt, jitters[j]!, loss)).toBeLessThanOrEqual(estimateMos(rtt, jitters[j - 1]!, loss));
          expect(estimateMos(rtt, 0, loss, jitters[j]!)).toBeLessThanOrEqual(estimateMos(rtt, 0, loss, jitters[j - 1]!));
        }
      }
    }
    for (const jitter of jitters) {
      for (let i = 1; i < losses.length; i++) {
        for (const rtt of rtts) expect(estimateMos(rtt, jitter, losses[i]!)).toBeLessThanOrEqual(estimateMos(rtt, jitter, losses[i - 1]!));
      }
      for (let i = 1; i < rtts.length; i++) {
        for (const loss of losses) expect(estimateMos(rtts[i]!, jitter, loss)).toBeLessThanOrEqual(estimateMos(rtts[i - 1]!, jitter, loss));
      }
    }
    // Fine steps across the whole R range, including where the raw polynomial dips below 1.
    for (let r = -10; r < 110; r += 0.05) expect(mosFromR(r + 0.05)).toBeGreaterThanOrEqual(mosFromR(r));
  });

  it('stays within 1..4.5 for any input, hostile ones included', () => {
    for (const v of [-1, 0, 1e9, Number.MAX_VALUE]) {
      const mos = estimateMos(v, v, Math.min(Math.abs(v), 100), v);
      expect(mos).toBeGreaterThanOrEqual(1);
      expect(mos).toBeLessThanOrEqual(4.5);
    }
  });
});
