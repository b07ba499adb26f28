import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKillRun, type KillCheck } from '../fault/kill-check.js';
import { runKillRestart, type KillRunResult } from '../fault/kill-run.js';
import { removeDir, tempDataDir } from './fixtures.js';
import { testStoreConfig } from './test-store.js';

let dataDir: string;
let run: KillRunResult;
let check: KillCheck;

beforeAll(async () => {
  dataDir = await tempDataDir();
  // Short variant of `collector/fault/kill-collector.ts`: two SIGKILLs under load.
  const store = await testStoreConfig(dataDir);
  const env: Record<string, string> = store.kind === 'server' && store.database ? { CLICKHOUSE_DATABASE: store.database } : {};
  run = await runKillRestart({ dataDir, kills: 2, minLoadMs: 2000, maxLoadMs: 4000, concurrency: 12, seed: 7, env });
  check = await checkKillRun(dataDir, run, store);
}, 600_000);
afterAll(async () => {
  await removeDir(dataDir);
});

describe('kill -9 under load, then restart (short fault run)', () => {
  it('acknowledged reports before, between and after the kills', () => {
    expect(run.kills).toBe(2);
    expect(run.acked.size).toBeGreaterThan(0);
  });

  it('stores every acknowledged report exactly once, retries included', () => {
    expect(check.missing).toBe(0);
    expect(check.duplicated).toBe(0);
    expect(check.exactlyOnce).toBe(check.acked);
  });

  it('leaves nothing in the spool after the graceful stop', () => {
    expect(check.spoolLeftAfterStop).toBe(0);
  });
});
