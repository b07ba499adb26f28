/**
 * `npm run alerts:evaluate -- [--data-dir DIR] [--tenant T] [--at ISO] [--prices FILE] [--json]`
 *
 * Runs the ClickHouse form of every runbook rule (`@rtcpulse/alerts`)
 * against the store (the embedded one in DIR, default `.data/clickhouse`, or
 * the server in `CLICKHOUSE_URL`) and prints which would fire, with values
 * and runbook links. Exit code 0 when nothing fires, 1 when something fires,
 * 2 on error. It lives in the collector because it opens the collector's
 * store; the rules and their evaluation are the alerts package's.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_PRICES, clickhouseRunner, evaluateRules, formatEvaluations, type Prices } from '@rtcpulse/alerts';
import { storeConfigFromEnv } from '../store/config.js';
import { createStore } from '../store/store.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    tenant: { type: 'string' },
    at: { type: 'string' },
    prices: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<number> {
  const config = storeConfigFromEnv(process.env, values['data-dir'] ? { dataDir: values['data-dir'] } : {});
  const prices: Prices = values.prices ? { ...DEFAULT_PRICES, ...(JSON.parse(await readFile(values.prices, 'utf8')) as Partial<Prices>) } : DEFAULT_PRICES;
  const now = values.at ? new Date(values.at) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error(`--at ${values.at} is not a date`);
  const store = createStore(config);
  try {
    const results = await evaluateRules(clickhouseRunner(store.client), {
      now,
      prices,
      ...(values.tenant ? { tenant: values.tenant } : {}),
    });
    console.log(values.json ? JSON.stringify(results, null, 2) : formatEvaluations(results));
    return results.some((r) => r.status === 'firing') ? 1 : 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
