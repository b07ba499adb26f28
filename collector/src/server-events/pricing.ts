import { readFileSync } from 'node:fs';
import { DEFAULT_PRICING, PricingSchema, type Pricing } from '@rtcpulse/schema';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describeValueError } from '../validation.js';

// The price list's shape and its defaults are shared with the alert rules and
// the dashboards, so they live in `@rtcpulse/schema`; reading the operator's
// prices from the environment is the collector's.

const ENV_NAMES: Readonly<Record<keyof Pricing, string>> = {
  egressPerGb: 'RTCPULSE_PRICE_EGRESS_PER_GB',
  turnPerGb: 'RTCPULSE_PRICE_TURN_PER_GB',
  cpuHour: 'RTCPULSE_PRICE_CPU_HOUR',
  ramGbHour: 'RTCPULSE_PRICE_RAM_GB_HOUR',
  storageGbMonth: 'RTCPULSE_PRICE_STORAGE_GB_MONTH',
  storageRetentionMonths: 'RTCPULSE_STORAGE_RETENTION_MONTHS',
};

const checkPricing = TypeCompiler.Compile(PricingSchema);

/** Throw unless `value` is a complete, valid pricing, naming the first bad field. */
export function validatePricing(value: unknown, source: string): Pricing {
  if (checkPricing.Check(value)) return value;
  const error = checkPricing.Errors(value).First();
  throw new Error(`${source}: ${error ? `${error.path || '/'} ${describeValueError(error)}` : 'invalid pricing'}`);
}

/**
 * Pricing from the environment: {@link DEFAULT_PRICING}, overlaid with the
 * JSON object in `RTCPULSE_PRICING_FILE` (any subset of the fields), then
 * with each `RTCPULSE_PRICE_*` / `RTCPULSE_STORAGE_RETENTION_MONTHS` variable.
 */
export function pricingFromEnv(env: Readonly<Record<string, string | undefined>>): Pricing {
  let pricing: Record<string, unknown> = { ...DEFAULT_PRICING };
  const file = env.RTCPULSE_PRICING_FILE;
  if (file) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${file}: pricing must be a JSON object`);
    }
    pricing = { ...pricing, ...parsed };
  }
  for (const [field, name] of Object.entries(ENV_NAMES)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') pricing[field] = Number(raw);
  }
  return validatePricing(pricing, file ? `pricing (${file} and environment)` : 'pricing (environment)');
}
