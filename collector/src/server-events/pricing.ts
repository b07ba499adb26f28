import { readFileSync } from 'node:fs';
import { PricingSchema, overlayPricing, parsePricingFile, type Pricing } from '@rtcpulse/schema';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describeValueError } from '../validation.js';

// The price list's shape, its defaults and how the environment overlays them
// are shared with the alert and dashboard generators, so they live in
// `@rtcpulse/schema`; reading the file and refusing bad prices at start are here.

const checkPricing = TypeCompiler.Compile(PricingSchema);

/** Throw unless `value` is a complete, valid pricing, naming the first bad field. */
export function validatePricing(value: unknown, source: string): Pricing {
  if (checkPricing.Check(value)) return value;
  const error = checkPricing.Errors(value).First();
  throw new Error(`${source}: ${error ? `${error.path || '/'} ${describeValueError(error)}` : 'invalid pricing'}`);
}

/**
 * Pricing from the environment (`overlayPricing` of `@rtcpulse/schema`, as
 * the dashboard and alert generators read it): the defaults, overlaid with
 * the JSON object in `RTCPULSE_PRICING_FILE` (any subset of the fields), then
 * with each `RTCPULSE_PRICE_*` / `RTCPULSE_STORAGE_RETENTION_MONTHS` variable.
 */
export function pricingFromEnv(env: Readonly<Record<string, string | undefined>>): Pricing {
  const file = env.RTCPULSE_PRICING_FILE;
  const pricing = overlayPricing(env, file ? parsePricingFile(readFileSync(file, 'utf8'), file) : undefined);
  return validatePricing(pricing, file ? `pricing (${file} and environment)` : 'pricing (environment)');
}
