import { describe, expect, it } from 'vitest';
import { AllocationTracker, parseCoturnMessage } from '../src/coturn/index.js';

const channel = (id: string, what: string) => `turn/realm/rtcpulse.test/user/1700000000:alice/allocation/${id}/${what}`;

describe('parseCoturnMessage', () => {
  it('reads status, traffic and totals as coturn 4.6 publishes them, without the user name', () => {
    expect(parseCoturnMessage(channel('000000000000000001', 'status'), 'new lifetime=600, type=UDP, local=127.0.0.1:3478')).toEqual({
      kind: 'status',
      allocation: 'rtcpulse.test/000000000000000001',
      lifetimeS: 600,
      deleted: false,
    });
    expect(parseCoturnMessage(channel('1', 'status'), 'deleted')).toMatchObject({ kind: 'status', deleted: true });
    expect(parseCoturnMessage(channel('1', 'traffic'), 'rcvp=1367, rcvb=1415986, sentp=686, sentb=39657')).toEqual({
      kind: 'traffic',
      allocation: 'rtcpulse.test/1',
      peer: false,
      sentBytes: 39657,
    });
    expect(parseCoturnMessage(channel('1', 'traffic/peer'), 'rcvp=1, rcvb=2, sentp=3, sentb=4')).toMatchObject({ peer: true, sentBytes: 4 });
    expect(parseCoturnMessage(channel('1', 'total_traffic'), 'rcvp=1, rcvb=2, sentp=3, sentb=4')).toEqual({ kind: 'total', allocation: 'rtcpulse.test/1' });
    expect(parseCoturnMessage('turn/realm/r/user/u/something/else', 'x')).toBeUndefined();
  });
});

describe('AllocationTracker', () => {
  it('counts live allocations, drops released, deleted and expired ones, and sums sent bytes', () => {
    let now = 0;
    const tracker = new AllocationTracker(() => now);
    const apply = (id: string, what: string, message: string) => {
      const parsed = parseCoturnMessage(channel(id, what), message);
      if (parsed) tracker.apply(parsed);
    };
    apply('1', 'status', 'new lifetime=600');
    apply('2', 'status', 'new lifetime=60');
    apply('3', 'status', 'new lifetime=600');
    expect(tracker.active()).toBe(3);
    apply('3', 'status', 'refreshed lifetime=0');
    expect(tracker.active()).toBe(2);
    apply('1', 'status', 'deleted');
    expect(tracker.active()).toBe(1);
    now = 61_000; // allocation 2 was never refreshed: its lifetime ran out
    expect(tracker.active()).toBe(0);
    apply('4', 'traffic', 'rcvp=1, rcvb=2, sentp=3, sentb=100');
    apply('4', 'traffic/peer', 'rcvp=1, rcvb=2, sentp=3, sentb=50');
    apply('4', 'total_traffic', 'rcvp=1, rcvb=2, sentp=3, sentb=150');
    expect(tracker.takeRelayed()).toBe(150);
    expect(tracker.takeRelayed()).toBe(0);
  });
});
