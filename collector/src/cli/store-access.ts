/**
 * What the operator commands (`audit:verify`, `alerts:evaluate`) check
 * before and while they open the embedded store, so that a wrong
 * `--data-dir` or a running collector gets a plain answer instead of
 * ClickHouse's.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { processRunning } from '../process-running.js';
import type { StoreConfig } from '../store/config.js';

/**
 * Why the commands cannot read the embedded store in `dataDir`, or
 * `undefined` when it holds `table`. Looks at the files only (opening the
 * directory with chdb would create an empty store there): the directory
 * must exist and hold the rtcpulse table `table` (`metadata/default/<table>.sql`).
 */
export function embeddedStoreProblem(dataDir: string, table: string): string | undefined {
  if (!existsSync(dataDir)) {
    return `the data directory ${dataDir} does not exist: pass the directory the collector stores into with --data-dir (default .data/clickhouse), or set CLICKHOUSE_URL`;
  }
  if (!statSync(dataDir).isDirectory()) return `${dataDir} is not a directory: pass the collector's data directory with --data-dir`;
  if (!existsSync(join(dataDir, 'metadata', 'default'))) {
    return `${dataDir} holds no rtcpulse tables (it is not a ClickHouse data directory): pass the directory the collector was started with (--data-dir, default .data/clickhouse)`;
  }
  if (!existsSync(join(dataDir, 'metadata', 'default', `${table}.sql`))) {
    return `${dataDir} has no ${table} table: it is not a data directory this collector has written to`;
  }
  return undefined;
}

/** Throw {@link embeddedStoreProblem} when the store is embedded and has one. */
export function checkEmbeddedStore(config: StoreConfig, table: string): void {
  if (config.kind !== 'embedded') return;
  const problem = embeddedStoreProblem(config.dataDir, table);
  if (problem) throw new Error(problem);
}

/**
 * The id of the live process that holds `dataDir`, from the `status` file
 * ClickHouse keeps (and locks) there while a process has it open, or
 * `undefined` when none does.
 */
export function dataDirHolder(dataDir: string): number | undefined {
  let status: string;
  try {
    status = readFileSync(join(dataDir, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID: (\d+)$/m.exec(status)?.[1]);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processRunning(pid) ? pid : undefined;
}

/**
 * Run `open` (which opens the embedded store in `config.dataDir`); when it
 * fails because another process (the collector, most likely) has the data
 * directory open, throw an error that says so and what to do instead
 * (`alternatives`, e.g. 'or point the command at a ClickHouse server with CLICKHOUSE_URL').
 */
export function openOrExplain<T>(config: StoreConfig, open: () => T, alternatives: string): T {
  try {
    return open();
  } catch (error) {
    if (config.kind !== 'embedded') throw error;
    const message = error instanceof Error ? error.message : String(error);
    const holder = dataDirHolder(config.dataDir);
    const locked = /Cannot lock file|Another server instance/i.test(message);
    if (holder === undefined && !locked) throw error;
    const who = holder === undefined ? 'another process' : `process ${holder}`;
    throw new Error(
      `${config.dataDir} is open in ${who} (the collector, or another command): embedded ClickHouse lets one process use a data directory at a time. ` +
        `Stop that process, ${alternatives}.`,
      { cause: error },
    );
  }
}
