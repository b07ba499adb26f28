import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStoreOutage, type OutageRunResult } from '../fault/store-outage-run.js';
import { removeDir, tempDataDir } from './fixtures.js';
import { testStoreConfig } from './test-store.js';

let dataDir: string;
let result: OutageRunResult;

const SPOOL_CAP = 8 * 1024 * 1024;

beforeAll(async () => {
  dataDir = await tempDataDir();
  // Short variant of `collector/fault/store-outage.ts`: a small spool cap, a few refusals.
  result = await runStoreOutage({
    dataDir,
    store: await testStoreConfig(dataDir),
    spoolMaxBytes: SPOOL_CAP,
    refusalsWanted: 10,
    concurrency: 16,
    maxReports: 5000,
    drainTimeoutMs: 90_000,
  });
});
afterAll(async () => {
  await removeDir(dataDir);
});

describe('ClickHouse unavailable under load (short fault run)', () => {
  it('keeps accepting into the spool, then answers 503 with Retry-After at the cap', () => {
    expect(result.ackedDuringOutage).toBeGreaterThan(0);
    expect(result.refused).toBeGreaterThanOrEqual(10);
    expect(result.refusedWithRetryAfter).toBe(result.refused);
    // The first refusal came with the spool (nearly) full: within one in-flight window of the cap.
    expect(result.spoolBytesAtFirstRefusal).toBeGreaterThan(SPOOL_CAP / 2);
  });

  it('drains the spool fully once ClickHouse is back, every acknowledged report stored exactly once', () => {
    expect(result.drained).toBe(true);
    expect(result.spoolRecordsAfter).toBe(0);
    expect(result.missing).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.storedNotAcked).toBe(0);
    expect(result.exactlyOnce).toBe(result.acked);
  });

  it('keeps the live heap bounded while the spool fills', () => {
    // Spooled reports are on disk, not in memory: the live heap grows by less than half of what the spool holds.
    expect(result.spoolBytesAtFirstRefusal).toBeGreaterThan(SPOOL_CAP / 2);
    expect(result.heapPeakBytes - result.heapBeforeBytes).toBeLessThan(SPOOL_CAP / 2);
  });
});
