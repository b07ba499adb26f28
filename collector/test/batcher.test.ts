import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/ingest/batcher.js';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A batcher whose flushes are recorded, with a switchable "stage behind is busy" flag. */
function recordingBatcher(maxHoldMs: number) {
  const groups: number[][] = [];
  const state = { busy: false };
  const batcher = new Batcher<number, number>(
    { flushIntervalMs: 5, maxItems: 100, maxHoldMs, busy: () => state.busy },
    (items) => {
      groups.push(items);
      return Promise.resolve(groups.length);
    },
  );
  return { batcher, groups, state };
}

describe('Batcher holding flushes while the stage behind is busy', () => {
  it('flushes at its interval when nothing is busy', async () => {
    const { batcher, groups } = recordingBatcher(60_000);
    const first = batcher.add(1);
    await first;
    await batcher.add(2);
    expect(groups).toEqual([[1], [2]]);
  });

  it('keeps collecting while busy and flushes everything as one group on release', async () => {
    const { batcher, groups, state } = recordingBatcher(60_000);
    state.busy = true;
    const results = [batcher.add(1)];
    await tick(30);
    results.push(batcher.add(2), batcher.add(3));
    await tick(30);
    expect(groups).toEqual([]);
    expect(batcher.pending).toBe(3);
    state.busy = false;
    batcher.release();
    expect(await Promise.all(results)).toEqual([1, 1, 1]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('does not hold past maxHoldMs, nor past maxItems', async () => {
    const { batcher, groups, state } = recordingBatcher(40);
    state.busy = true;
    await batcher.add(1);
    expect(groups).toEqual([[1]]);
    const full = Array.from({ length: 100 }, (_, i) => batcher.add(i));
    await Promise.all(full);
    expect(groups[1]).toHaveLength(100);
  });

  it('flushAll flushes held items at once', async () => {
    const { batcher, groups, state } = recordingBatcher(60_000);
    state.busy = true;
    const held = batcher.add(7);
    await tick(20);
    await batcher.flushAll();
    expect(await held).toBe(1);
    expect(groups).toEqual([[7]]);
  });
});
