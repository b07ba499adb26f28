import type { ReportEvent } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import type { StatsEntry, StatsSnapshot } from '../src/extract/index.js';
import { watchConnection } from '../src/observe/watch-connection.js';

/** A connected peer connection, ICE up since it was watched, that expects media in (a transceiver receiving). */
function connectedPc() {
  return {
    connectionState: 'connected', iceConnectionState: 'connected', iceGatheringState: 'complete', signalingState: 'stable',
    getSenders: () => [], getReceivers: () => [], getTransceivers: () => [{ currentDirection: 'sendrecv' }],
    addEventListener: () => undefined, removeEventListener: () => undefined,
  } as unknown as RTCPeerConnection;
}

/** A snapshot with one inbound RTP stream that counts how often its entries are walked. */
function inbound(packetsReceived: number) {
  const entries = new Map<string, StatsEntry>([['IT', { id: 'IT', type: 'inbound-rtp', timestamp: 1, packetsReceived }]]);
  const walked = { count: 0 };
  const snapshot = Object.assign(entries, {
    values: () => (walked.count++, Map.prototype.values.call(entries)),
  }) as unknown as StatsSnapshot;
  return { snapshot, walked };
}

describe('ICE connected but no inbound RTP (runbook entry 2)', () => {
  function watch() {
    const clock = { t: 0 };
    const events: ReportEvent[] = [];
    const sink = { emit: (e: Omit<ReportEvent, 'ts'>) => events.push({ ...e, ts: clock.t }), now: () => clock.t, lastOnline: () => undefined, noInboundMs: 5000 };
    return { clock, events, w: watchConnection(connectedPc(), sink) };
  }

  it('reports media.no_inbound once, after the configured time, when media is expected and no packet came', () => {
    const { clock, events, w } = watch();
    clock.t = 4999;
    w.tick(inbound(0).snapshot);
    expect(events).toEqual([]);
    clock.t = 5000;
    w.tick(inbound(0).snapshot);
    clock.t = 7000;
    w.tick(inbound(0).snapshot);
    expect(events.filter((e) => e.type === 'media.no_inbound')).toEqual([{ type: 'media.no_inbound', value: 5000, ts: 5000 }]);
  });

  it('ends the check once packets came: later samples are not walked for it again', () => {
    const { clock, events, w } = watch();
    clock.t = 6000;
    w.tick(inbound(120).snapshot);
    const later = inbound(0);
    for (clock.t = 8000; clock.t < 20_000; clock.t += 2000) w.tick(later.snapshot);
    // Before, every sample after the configured time walked the whole snapshot as long as the call lasted.
    expect(later.walked.count).toBe(0);
    expect(events.filter((e) => e.type === 'media.no_inbound')).toEqual([]);
  });
});
