/** After a kill run: open the data directory in this process (replaying any spool) and compare with what was acknowledged. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildApp } from '../src/index.js';
import { storeConfigFromEnv, type StoreConfig } from '../src/store/config.js';
import { KILL_TENANT, type KillRunResult } from './kill-run.js';
import { duplicateReports, storedReportKeys, type StoredCheck } from './stored-check.js';

/** The comparison, and the spool records the graceful stop left behind. */
export interface KillCheck extends StoredCheck {
  readonly spoolLeftAfterStop: number;
}

/** Spool files left in a data directory's default spool. */
export async function spoolFiles(dataDir: string): Promise<number> {
  const names = await readdir(join(dataDir, 'rtcpulse-spool')).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.rec')).length;
}

/** Check a run; the app opened here replays what the spool still holds before counting. */
export async function checkKillRun(dataDir: string, run: KillRunResult, store?: StoreConfig): Promise<KillCheck> {
  const spoolLeftAfterStop = await spoolFiles(dataDir);
  const app = await buildApp({ store: store ?? storeConfigFromEnv(process.env, { dataDir }) });
  try {
    await app.ingest.writer.idle(120_000);
    const stored = await storedReportKeys(app.store.client, KILL_TENANT);
    return { ...duplicateReports(run.acked, stored), spoolLeftAfterStop };
  } finally {
    await app.close();
  }
}
