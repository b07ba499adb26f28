/**
 * `npm run alerts:evaluate -- [--data-dir DIR] [--tenant T] [--at ISO] [--prices FILE] [--json]`
 *
 * Runs the ClickHouse form of every runbook rule (`@rtcpulse/alerts`)
 * against the store (the embedded one in DIR, default `.data/clickhouse`, or
 * the server in `CLICKHOUSE_URL`) and prints which would fire, with values
 * and runbook links. Prices for the cost rules are the collector's own
 * (`RTCPULSE_PRICING_FILE`, `RTCPULSE_PRICE_*`, as `GET /v1/alerts/evaluate`
 * uses them), overlaid with `--prices FILE` when given. The embedded store
 * cannot be read while the collector has it open: use the endpoint then, or
 * a ClickHouse server. Exit code 0 when nothing fires, 1 when something
 * fires, 2 on error. It lives in the collector because it opens the
 * collector's store; the rules and their evaluation are the alerts package's.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { clickhouseRunner, evaluateRules, formatEvaluations } from '@rtcpulse/alerts';
import type { Pricing } from '@rtcpulse/schema';
import { pricingFromEnv, validatePricing } from '../server-events/pricing.js';
import { storeConfigFromEnv } from '../store/config.js';
import { createStore } from '../store/store.js';
import { checkEmbeddedStore, openOrExplain } from './store-access.js';
import { runIfMain, type Output } from './run-command.js';

/** The collector's pricing from `env`, overlaid with the JSON object in `pricesFile` (any subset of the fields). */
async function pricesFor(env: Readonly<Record<string, string | undefined>>, pricesFile: string | undefined): Promise<Pricing> {
  const collector = pricingFromEnv(env);
  if (!pricesFile) return collector;
  const parsed: unknown = JSON.parse(await readFile(pricesFile, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${pricesFile}: prices must be a JSON object`);
  return validatePricing({ ...collector, ...parsed }, `--prices ${pricesFile}`);
}

/** Run the command; resolves to the exit code (0: nothing fires, 1: something fires). */
export async function runAlertsEvaluate(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: Output,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'data-dir': { type: 'string' },
      tenant: { type: 'string' },
      at: { type: 'string' },
      prices: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const config = storeConfigFromEnv(env, values['data-dir'] ? { dataDir: values['data-dir'] } : {});
  const prices = await pricesFor(env, values.prices);
  const now = values.at ? new Date(values.at) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error(`--at ${values.at} is not a date`);
  checkEmbeddedStore(config, 'samples');
  const store = openOrExplain(
    config,
    () => createStore(config),
    'point the command at a ClickHouse server with CLICKHOUSE_URL, or ask the running collector: GET /v1/alerts/evaluate?tenant=T with a read key',
  );
  try {
    const results = await evaluateRules(clickhouseRunner(store.client), {
      now,
      prices,
      ...(values.tenant ? { tenant: values.tenant } : {}),
    });
    out.log(values.json ? JSON.stringify(results, null, 2) : formatEvaluations(results));
    return results.some((r) => r.status === 'firing') ? 1 : 0;
  } finally {
    await store.close();
  }
}

runIfMain(import.meta.url, 'alerts:evaluate', runAlertsEvaluate);
