/**
 * `npm run store:sql -- [--data-dir DIR] "<SQL>"`
 *
 * Runs one SQL statement on the collector's store (the embedded one in DIR,
 * default `.data/clickhouse`, or the server in `CLICKHOUSE_URL`) and prints
 * what it returns, tab-separated with a header line (values unescaped, so
 * `SHOW CREATE TABLE` reads as written). It is how an operator
 * checks a table's retention (`SHOW CREATE TABLE samples`) or erases one
 * participant (`ALTER TABLE samples DELETE WHERE …`, waited for until done)
 * on the embedded store, which only one process can open: stop the
 * collector first. A statement that changes data is refused while the spool
 * still holds records the next start would insert. Exit code 0, or 2 with
 * the reason.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultSpoolDir } from '../ingest/options.js';
import { recordFilesIn, REQUEUED_DIR } from '../ingest/spool.js';
import { storeConfigFromEnv } from '../store/config.js';
import { createStore } from '../store/store.js';
import { checkEmbeddedStore, openOrExplain } from './store-access.js';
import { runIfMain, type Output } from './run-command.js';

/** Statements that answer with rows (after any leading comments and brackets); anything else is run as a command. */
const READS = /^(?:\s|(?:--|#)[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*(?:SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS|CHECK|FROM)\b/i;

/** Spool records (waiting, or requeued) the next start inserts: a deletion run before them would be undone by them. */
function waitingRecords(spoolDir: string): number {
  return recordFilesIn(spoolDir) + recordFilesIn(join(spoolDir, REQUEUED_DIR));
}

/** Run the command; resolves to the exit code. */
export async function runStoreSql(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, out: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { 'data-dir': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [sql, ...extra] = positionals;
  if (!sql?.trim() || extra.length > 0) throw new Error('give one SQL statement, quoted: npm run store:sql -- [--data-dir DIR] "SHOW CREATE TABLE samples"');
  const config = storeConfigFromEnv(env, values['data-dir'] ? { dataDir: values['data-dir'] } : {});
  checkEmbeddedStore(config, 'samples');
  const read = READS.test(sql);
  const spoolDir = env.RTCPULSE_SPOOL_DIR ? resolve(env.RTCPULSE_SPOOL_DIR) : defaultSpoolDir(config);
  const waiting = waitingRecords(spoolDir);
  if (!read && waiting > 0) {
    throw new Error(
      `the spool (${spoolDir}) still holds ${waiting} record(s) the next start of the collector inserts, after this statement (a deletion would come back): ` +
        'start the collector until its spool is empty (the spoolRecords gauge, or the log), stop it, then run the statement',
    );
  }
  const store = openOrExplain(config, () => createStore(config), 'or point the command at a ClickHouse server with CLICKHOUSE_URL');
  try {
    if (read) {
      const result = await store.client.query({ query: sql, format: 'JSONCompactEachRowWithNames' }).catch((error: unknown) => {
        // The command asks for the rows in a format of its own, so a FORMAT clause of the statement's is a bare syntax
        // error in ClickHouse: say so (only then, so a column named `format` is no problem).
        if (!/syntax error/i.test(String(error)) || !/\bFORMAT\s+\w/i.test(sql)) throw error;
        throw new Error(`${(error as Error).message}\nstore:sql prints the rows itself (tab-separated, with a header line): leave out any FORMAT clause`);
      });
      const cell = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
      for (const row of await result.json<unknown[]>()) out.log(row.map(cell).join('\t'));
    } else {
      // A mutation (ALTER … DELETE / UPDATE) is waited for: the command ends once it is done.
      await store.client.command({ query: sql, clickhouse_settings: { mutations_sync: '2' } });
      out.log('ok');
    }
    return 0;
  } finally {
    await store.close();
  }
}

runIfMain(import.meta.url, 'store:sql', runStoreSql);
