import type { TurnReport } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { MAX_UNSENT_REPORTS, createTurnFlusher } from '../src/coturn/turn-flush.js';

/** The coturn adapter's reports through a collector that fails for a while: resent unchanged, never folded into newer ones. */
function setup() {
  let clock = 1_000_000;
  let relayed = 0;
  let failing = false;
  const delivered: TurnReport[] = [];
  const errors: unknown[] = [];
  const flush = createTurnFlusher(
    { active: () => 3, takeRelayed: () => { const bytes = relayed; relayed = 0; return bytes; } },
    {
      nodeId: 'turn-1',
      now: () => clock,
      onError: (e) => errors.push(e),
      send: async (report) => {
        if (failing) throw new Error('collector unreachable');
        delivered.push(report);
      },
    },
  );
  return {
    flush,
    delivered,
    errors,
    step(bytes: number) {
      clock += 10_000;
      relayed += bytes;
    },
    fail(on: boolean) {
      failing = on;
    },
  };
}

describe('TURN reports through a failing collector', () => {
  it('resends a failed report as it was, before the next, so a report stored before its answer was lost is stored once', async () => {
    const t = setup();
    t.step(100);
    t.fail(true);
    const failed = await t.flush();
    expect(t.errors).toHaveLength(1);
    t.step(50);
    t.fail(false);
    await t.flush();
    // The collector deduplicates identical bodies: the failed report must come back byte for byte, and the new one carry only its own bytes.
    expect(t.delivered.map((r) => JSON.stringify(r))).toEqual([JSON.stringify(failed), JSON.stringify({ ...failed, ts: failed.ts + 10_000, relayedBytes: 50 })]);
    expect(t.delivered.map((r) => r.relayedBytes)).toEqual([100, 50]);
  });

  it('keeps at most a bounded number of reports through a long outage, adding up the oldest ones', async () => {
    const t = setup();
    t.fail(true);
    for (let i = 0; i < MAX_UNSENT_REPORTS + 10; i++) {
      t.step(1);
      await t.flush();
    }
    t.fail(false);
    t.step(1);
    await t.flush();
    expect(t.delivered).toHaveLength(MAX_UNSENT_REPORTS);
    expect(t.delivered.reduce((sum, r) => sum + r.relayedBytes, 0)).toBe(MAX_UNSENT_REPORTS + 11);
    expect(t.delivered.reduce((sum, r) => sum + r.intervalMs, 0)).toBe((MAX_UNSENT_REPORTS + 11) * 10_000);
  });
});
