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
 * collector first. Exit code 0, or 2 with the reason.
 */
import { parseArgs } from 'node:util';
import { storeConfigFromEnv } from '../store/config.js';
import { createStore } from '../store/store.js';
import { checkEmbeddedStore, openOrExplain } from './store-access.js';
import { runIfMain, type Output } from './run-command.js';

/** Statements that answer with rows; anything else is run as a command. */
const READS = /^\s*(?:SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b/i;

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
  const store = openOrExplain(config, () => createStore(config), 'stop the collector first, or point the command at a ClickHouse server with CLICKHOUSE_URL');
  try {
    if (READS.test(sql)) {
      const result = await store.client.query({ query: sql, format: 'JSONCompactEachRowWithNames' });
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
