import type { ReportEvent } from '@rtcpulse/schema';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchTargetBitrate } from '../src/session/target-bitrate.js';

/**
 * A connection sending video whose total grows by `bytesPer500ms` every 500 ms of (fake) time, from `startBytes` when made.
 * Its stats are taken when getStats() is called (their timestamp then) and given `answerMs(call)` ms later.
 */
function sendingPc(startBytes: number, bytesPer500ms: number, limited = 'none', answerMs: (call: number) => number = () => 0) {
  const madeAt = Date.now();
  let calls = 0;
  return {
    getStats: () => {
      const timestamp = Date.now();
      const bytesSent = startBytes + Math.floor((timestamp - madeAt) / 500) * bytesPer500ms;
      const report = new Map([['OT', { type: 'outbound-rtp', timestamp, kind: 'video', bytesSent, qualityLimitationReason: limited }]]);
      const ms = answerMs(calls++);
      return ms ? new Promise((resolve) => setTimeout(() => resolve(report), ms)) : Promise.resolve(report);
    },
  } as unknown as RTCPeerConnection;
}

/**
 * A connection sending video whose total at each getStats() is `bytesAt(ms since it was made)`, answered after
 * `answerMs`; with `omitZero`, its report has no outbound-rtp entry while that total is 0 (before negotiation).
 */
function videoPc(bytesAt: (ms: number) => number, { answerMs = 0, omitZero = false } = {}): RTCPeerConnection {
  const madeAt = Date.now();
  return {
    getStats: () => {
      const timestamp = Date.now();
      const bytesSent = bytesAt(timestamp - madeAt);
      const report = new Map(omitZero && !bytesSent ? [] : [['OT', { type: 'outbound-rtp', timestamp, kind: 'video', bytesSent }]]);
      return answerMs ? new Promise((resolve) => setTimeout(() => resolve(report), answerMs)) : Promise.resolve(report);
    },
  } as unknown as RTCPeerConnection;
}

/** `perPoll` bytes every 500 ms, and `burst` bytes more from `burstAtMs` on. */
const withBurst = (perPoll: number, burst: number, burstAtMs: number) => (ms: number) => Math.floor(ms / 500) * perPoll + (ms >= burstAtMs ? burst : 0);

describe('time to the target bitrate (runbook entry 9)', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  function watch(pcs: RTCPeerConnection[], targetKbps?: number) {
    const events: Array<Omit<ReportEvent, 'pc' | 'ts'>> = [];
    const stop = watchTargetBitrate(() => pcs, (e) => events.push(e), () => Date.now(), targetKbps);
    return { events, stop };
  }

  it('reports reached, with the time, once the rate over a poll is 90 % of the target', async () => {
    // 70,000 bytes per 500 ms: 1,120 kbit/s against a 1,000 kbit/s target.
    const { events, stop } = watch([sendingPc(0, 70_000)], 1000);
    await vi.advanceTimersByTimeAsync(3000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 1000 }]);
  });

  it('does not take a connection observed during the watch, with all it sent before, for a burst that reached the target', async () => {
    // 10,000 bytes per 500 ms: 160 kbit/s, far below the target; then a connection that had sent 50 MB before it was observed.
    const pcs = [sendingPc(0, 10_000)];
    const { events, stop } = watch(pcs, 1000);
    await vi.advanceTimersByTimeAsync(5000);
    pcs.push(sendingPc(50_000_000, 10_000));
    await vi.advanceTimersByTimeAsync(30_000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
  });

  it('does not take a connection swapped in for another between two polls, with all it sent before, for a burst', async () => {
    // The same number of connections at every poll: only the connection itself tells the new total from a rate.
    const pcs = [sendingPc(0, 10_000)];
    const { events, stop } = watch(pcs, 1000);
    await vi.advanceTimersByTimeAsync(5000);
    pcs[0] = sendingPc(50_000_000, 10_000);
    await vi.advanceTimersByTimeAsync(30_000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
  });

  it('takes the rate over the stats\' own timestamps when getStats() answers slowly and unevenly', async () => {
    // 160 kbit/s, answered after 450 ms and 20 ms in turn: rated by the answers' times (or with polls overlapping),
    // 10,000 bytes between two answers 70 ms apart looked like 1,140 kbit/s.
    const { events, stop } = watch([sendingPc(0, 10_000, 'none', (call) => (call % 2 ? 20 : 450))], 1000);
    await vi.advanceTimersByTimeAsync(31_000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'missed', value: expect.any(Number) as number }]);
    expect(events[0]!.value).toBeGreaterThanOrEqual(30_000);
  });

  it('with polls overlapping (each getStats() answers after 1.2 s), reports once and polls no more after it', async () => {
    let calls = 0;
    const slow = sendingPc(0, 70_000, 'none', () => (calls++, 1200));
    const { events, stop } = watch([slow], 1000);
    await vi.advanceTimersByTimeAsync(10_000);
    stop();
    // Polls at 500, 1000, 1500 and 2000 ms; the second's answer (at 2200 ms, its rate from the stats of 500 and 1000 ms) reaches
    // the target. The two still open report nothing more, and no poll starts after it.
    expect(events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 2200 }]);
    expect(calls).toBe(4);
  });

  it('reports nothing after it was stopped, from a poll still open then', async () => {
    const { events, stop } = watch([sendingPc(0, 70_000, 'none', () => 400)], 1000);
    // Polls at 500 and 1000 ms; the second answers at 1400 ms with the rate that reaches the target.
    await vi.advanceTimersByTimeAsync(1200);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(events).toEqual([]);
  });

  it('goes on after a getStats() that never answers: only that poll is lost', async () => {
    // 70,000 bytes per 500 ms (1,120 kbit/s); the second call (the first that could give a rate) never answers.
    const { events, stop } = watch([sendingPc(0, 70_000, 'none', (call) => (call === 1 ? 1e9 : 0))], 1000);
    await vi.advanceTimersByTimeAsync(5000);
    stop();
    // The third poll's rate runs from the first poll's stats.
    expect(events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 1500 }]);
  });

  it('is not held up by a connection whose getStats() never answers: the others reach the target, or the window ends', async () => {
    const hung = { getStats: () => new Promise(() => undefined) } as unknown as RTCPeerConnection;
    const fast = watch([hung, sendingPc(0, 70_000)], 1000);
    const slow = watch([sendingPc(0, 10_000), hung], 1000);
    await vi.advanceTimersByTimeAsync(31_000);
    fast.stop();
    slow.stop();
    expect(fast.events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 1000 }]);
    expect(slow.events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
  });

  it('rates stats without timestamps (a wrapper) by when they were answered', async () => {
    const stamped = sendingPc(0, 70_000);
    const unstamped = {
      getStats: async () => {
        const report = (await stamped.getStats()) as Map<string, { timestamp?: number }>;
        delete report.get('OT')!.timestamp;
        return report;
      },
    } as unknown as RTCPeerConnection;
    const { events, stop } = watch([unstamped], 1000);
    await vi.advanceTimersByTimeAsync(3000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 1000 }]);
  });

  it('takes no rate across the start of sending: answers with nothing sent, dated when they came, never shorten a span', async () => {
    // 800 kbit/s from 2 s on, below the 900 kbit/s line; each answer comes 100 ms late, so the empty ones carry their answer's
    // time, and a rate from one of them to the first with bytes ran over 400 ms instead of 500 (1,000 kbit/s: reached).
    const late = videoPc((ms) => Math.max(0, Math.floor((ms - 1500) / 500)) * 50_000, { answerMs: 100, omitZero: true });
    const { events, stop } = watch([late], 1000);
    await vi.advanceTimersByTimeAsync(31_000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
  });

  it('sums only answers since the last poll began: a connection that stopped answering adds nothing', async () => {
    // A sends 640 kbit/s for its first two answers and then never answers (or fails); B sends 480 kbit/s from 10 s on.
    // Each is below the 900 kbit/s line: summing A's last rate with B's reported reached at 10.5 s.
    const fromTenSeconds = videoPc((ms) => Math.max(0, Math.floor((ms - 9500) / 500)) * 30_000);
    let calls = 0;
    const hangs = sendingPc(0, 40_000, 'none', () => (++calls > 2 ? 1e9 : 0));
    const sending = sendingPc(0, 40_000);
    let answers = 0;
    const fails = { getStats: () => (++answers > 2 ? Promise.reject(new Error('closed')) : sending.getStats()) } as unknown as RTCPeerConnection;
    const one = watch([hangs, fromTenSeconds], 1000);
    const two = watch([fails, fromTenSeconds], 1000);
    await vi.advanceTimersByTimeAsync(31_000);
    one.stop();
    two.stop();
    expect(one.events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
    expect(two.events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
  });

  it('takes a getStats() that throws at once, or answers without a promise, like one that fails', async () => {
    const throwing = {
      getStats: () => {
        throw new Error('no stats');
      },
    } as unknown as RTCPeerConnection;
    const steady = sendingPc(0, 70_000);
    const plain = { getStats: () => ((steady.getStats() as unknown as { then: unknown }) && new Map([['OT', { type: 'outbound-rtp', timestamp: Date.now(), kind: 'video', bytesSent: Math.floor(Date.now() / 500) * 70_000 }]])) } as unknown as RTCPeerConnection;
    const { events, stop } = watch([throwing, plain], 1000);
    // An uncaught throw in the timer would fail the test run.
    await vi.advanceTimersByTimeAsync(3000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 1000 }]);
  });

  it('waits for the answers to the poll at the window\'s end, all of them, and gives up at the poll after when none come', async () => {
    // 160 kbit/s, then 100,000 bytes more between 29.5 and 30 s: the poll at 30 s reaches the target.
    const burst = videoPc(withBurst(10_000, 100_000, 30_000));
    const halfBurst = (): RTCPeerConnection => videoPc(withBurst(5_000, 50_000, 30_000));
    let calls = 0;
    const silent = sendingPc(0, 10_000, 'none', () => (++calls > 2 ? 1e9 : 0));
    const reached = watch([burst], 1000);
    // Two connections that reach the target only together, with the 30 s poll: the first answer alone is not a miss.
    const together = watch([halfBurst(), halfBurst()], 1000);
    const missed = watch([silent], 1000);
    await vi.advanceTimersByTimeAsync(31_000);
    reached.stop();
    together.stop();
    missed.stop();
    expect(reached.events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 30_000 }]);
    expect(together.events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 30_000 }]);
    // A miss reports the window, whenever the watch gave up on it.
    expect(missed.events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
  });

  it('takes no rate from a connection whose total went down (a sender removed), and still the others\'', async () => {
    let shrunk = false;
    const steady = sendingPc(0, 70_000);
    const shrinking = {
      getStats: async () => {
        const report = (await steady.getStats()) as Map<string, { bytesSent: number }>;
        if (shrunk) report.get('OT')!.bytesSent = 1;
        return report;
      },
    } as unknown as RTCPeerConnection;
    // The first connection alone sends 1,120 kbit/s against a 1,000 kbit/s target; the second's total falls from 70,000
    // to 1 byte between the first two polls. A negative rate for it (−1,120 kbit/s) would hide the first one's until a poll later.
    const { events, stop } = watch([sendingPc(0, 70_000), shrinking], 1000);
    await vi.advanceTimersByTimeAsync(500);
    shrunk = true;
    await vi.advanceTimersByTimeAsync(1000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 1000 }]);
  });

  it('reaches at 90 % of the target and not below it', async () => {
    // 57,000 bytes per 500 ms: 912 kbit/s; 55,000: 880 kbit/s, against the 900 kbit/s line of a 1,000 kbit/s target.
    const above = watch([sendingPc(0, 57_000)], 1000);
    const below = watch([sendingPc(0, 55_000)], 1000);
    await vi.advanceTimersByTimeAsync(31_000);
    above.stop();
    below.stop();
    expect(above.events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 1000 }]);
    expect(below.events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
  });

  it('reports nothing for a session that sent nothing, nor, without a target, for one that sent no video', async () => {
    const silent = { getStats: () => Promise.resolve(new Map()) } as unknown as RTCPeerConnection;
    const audioOnly = {
      getStats: () => Promise.resolve(new Map([['OA', { type: 'outbound-rtp', timestamp: Date.now(), kind: 'audio', bytesSent: Math.floor(Date.now() / 500) * 2_000 }]])),
    } as unknown as RTCPeerConnection;
    const nothing = watch([silent], 1000);
    const noTarget = watch([audioOnly]);
    await vi.advanceTimersByTimeAsync(31_000);
    nothing.stop();
    noTarget.stop();
    expect(nothing.events).toEqual([]);
    expect(noTarget.events).toEqual([]);
  });

  it('counts the 30 s poll when the timers fire late, and no poll after it', async () => {
    // Timers fire late, never early: seen from the clock, the 30 s poll runs at 30,100 ms. The burst comes at 30 s in one
    // connection, at 30.5 s (after the window) in the others, one of them with timers on time.
    const burstAt = (ms: number): RTCPeerConnection => videoPc(withBurst(10_000, 100_000, ms));
    const watchLate = (pc: RTCPeerConnection, lateMs: number) => {
      const events: Array<Omit<ReportEvent, 'pc' | 'ts'>> = [];
      let started = false;
      // The start is read on time; every later reading `lateMs` after its timer.
      const stop = watchTargetBitrate(() => [pc], (e) => events.push(e), () => Date.now() + (started ? lateMs : ((started = true), 0)), 1000);
      return { events, stop };
    };
    const inWindow = watchLate(burstAt(30_000), 100);
    const after = watchLate(burstAt(30_500), 100);
    const afterOnTime = watchLate(burstAt(30_500), 0);
    await vi.advanceTimersByTimeAsync(31_000);
    inWindow.stop();
    after.stop();
    afterOnTime.stop();
    expect(inWindow.events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 30_100 }]);
    expect(after.events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
    expect(afterOnTime.events).toEqual([{ type: 'bitrate.target', state: 'missed', value: 30_000 }]);
  });

  it('without a target: reached once video is sent and no encoder is limited by bandwidth any more', async () => {
    const limited = sendingPc(0, 10_000, 'bandwidth');
    const pcs = [limited];
    const { events, stop } = watch(pcs);
    await vi.advanceTimersByTimeAsync(2000);
    expect(events).toEqual([]);
    pcs[0] = sendingPc(0, 10_000);
    await vi.advanceTimersByTimeAsync(2000);
    stop();
    expect(events).toEqual([{ type: 'bitrate.target', state: 'reached', value: 3000 }]);
  });
});
