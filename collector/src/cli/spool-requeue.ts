/**
 * `npm run spool:requeue -- [--spool-dir DIR | --data-dir DIR]`: requeue the
 * records the collector quarantined (`<spool>/quarantine/`, records
 * ClickHouse kept refusing for their data) once the cause is fixed: they go
 * to `<spool>/requeued/`, and the collector takes them back at its next
 * start, under new sequence numbers, and stores them exactly once. The spool is found as the collector finds it: `--spool-dir`, else
 * `RTCPULSE_SPOOL_DIR`, else `.data/spool` with `CLICKHOUSE_URL`, else
 * `<--data-dir, default .data/clickhouse>/rtcpulse-spool`. Exit code 0: all
 * moved (or nothing to move); 1: some files were left, each named with why;
 * 2: no quarantine there, or bad arguments.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultSpoolDir } from '../ingest/options.js';
import { QUARANTINE_DIR, REQUEUED_DIR, requeueQuarantined } from '../ingest/spool.js';
import { storeConfigFromEnv } from '../store/config.js';
import { runIfMain, type Output } from './run-command.js';

/** The spool directory the collector would use with these arguments and environment. */
export function spoolDirFor(values: { 'spool-dir'?: string; 'data-dir'?: string }, env: Readonly<Record<string, string | undefined>>): string {
  if (values['spool-dir']) return resolve(values['spool-dir']);
  if (env.RTCPULSE_SPOOL_DIR) return resolve(env.RTCPULSE_SPOOL_DIR);
  const dataDir = values['data-dir'];
  return defaultSpoolDir(storeConfigFromEnv(env, dataDir ? { dataDir } : {}));
}

/** Run the command; resolves to the exit code. */
export async function runSpoolRequeue(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, out: Output): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { 'spool-dir': { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const spoolDir = spoolDirFor(values, env);
  if (!existsSync(join(spoolDir, QUARANTINE_DIR))) {
    throw new Error(`no quarantine in ${spoolDir}: pass the collector's spool with --spool-dir (or its data directory with --data-dir)`);
  }
  const { moved, left } = await requeueQuarantined(spoolDir);
  for (const name of moved) out.log(`requeued: ${name}`);
  for (const { name, reason } of left) out.log(`left in ${QUARANTINE_DIR}/: ${name} (${reason})`);
  const records = moved.filter((n) => n.endsWith('.rec')).length;
  out.log(
    records > 0
      ? `${records} record(s) requeued in ${join(spoolDir, REQUEUED_DIR)}; restart the collector to store them`
      : `no quarantined records to move in ${spoolDir}`,
  );
  return left.length > 0 ? 1 : 0;
}

runIfMain(import.meta.url, 'spool:requeue', runSpoolRequeue);
