import { readFileSync } from 'node:fs';
import { overlayPricing, parsePricingFile, pricingProblem } from '@rtcpulse/schema';
import type { Prices } from '../runbook/types.js';

/**
 * The prices the collector runs with, read from the same environment
 * (`RTCPULSE_PRICING_FILE`, `RTCPULSE_PRICE_*`), for the generated files
 * that price usage in SQL: the Grafana-managed cost rules and the
 * dashboards' price constants. Throws, naming the field, on a bad price.
 */
export function pricesFromEnv(env: Readonly<Record<string, string | undefined>>): Prices {
  const file = env.RTCPULSE_PRICING_FILE;
  const pricing = overlayPricing(env, file ? parsePricingFile(readFileSync(file, 'utf8'), file) : undefined);
  const problem = pricingProblem(pricing);
  if (problem) throw new Error(`pricing (${file ? `${file} and ` : ''}environment): ${problem}`);
  return pricing as unknown as Prices;
}
