import type { ReportEvent } from '@rtcpulse/schema';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchTargetBitrate } from '../src/session/target-bitrate.js';

/** A connection sending video whose total grows by `bytesPer500ms` every 500 ms of (fake) time, from `startBytes` when made. */
function sendingPc(startBytes: number, bytesPer500ms: number, limited = 'none') {
  const madeAt = Date.now();
  return {
    getStats: () => {
      const bytesSent = startBytes + Math.floor((Date.now() - madeAt) / 500) * bytesPer500ms;
      return Promise.resolve(new Map([['OT', { type: 'outbound-rtp', kind: 'video', bytesSent, qualityLimitationReason: limited }]]));
    },
  } as unknown as RTCPeerConnection;
}

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
