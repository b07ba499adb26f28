import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describeValueError } from '../validation.js';

const Price = Type.Number({ minimum: 0, maximum: 1e6 });

/**
 * Unit prices in US dollars. GB means 10^9 bytes, as clouds bill. Storage is
 * charged for `storageRetentionMonths` when a recording finishes.
 */
export const PricingSchema = Type.Object(
  {
    egressPerGb: Price,
    turnPerGb: Price,
    cpuHour: Price,
    ramGbHour: Price,
    storageGbMonth: Price,
    storageRetentionMonths: Type.Number({ minimum: 0, maximum: 1200 }),
  },
  { additionalProperties: false },
);

/** @see {@link PricingSchema} */
export type Pricing = Static<typeof PricingSchema>;

/**
 * Placeholder prices in the range of public cloud list prices; set your own
 * (`RTCPULSE_PRICING_FILE` or the `RTCPULSE_PRICE_*` variables).
 */
export const DEFAULT_PRICING: Pricing = {
  egressPerGb: 0.08,
  turnPerGb: 0.08,
  cpuHour: 0.04,
  ramGbHour: 0.005,
  storageGbMonth: 0.023,
  storageRetentionMonths: 1,
};

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
