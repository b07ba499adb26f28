/**
 * Unit prices that turn the usage the server events carry (bytes, CPU and
 * memory time, stored recordings) into US dollars. One shared fact: the
 * collector prices usage with them (its cost metrics and cost breakdowns),
 * the alert rules and the dashboards apply them in SQL. The collector reads
 * the operator's prices from its environment; these are the defaults.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseDecimal } from './decimal.js';

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
 * (the collector's `RTCPULSE_PRICING_FILE` or `RTCPULSE_PRICE_*` variables).
 */
export const DEFAULT_PRICING: Pricing = {
  egressPerGb: 0.08,
  turnPerGb: 0.08,
  cpuHour: 0.04,
  ramGbHour: 0.005,
  storageGbMonth: 0.023,
  storageRetentionMonths: 1,
};

/** The environment variable that sets each price (over `RTCPULSE_PRICING_FILE`). */
export const PRICE_ENV_NAMES: Readonly<Record<keyof Pricing, string>> = {
  egressPerGb: 'RTCPULSE_PRICE_EGRESS_PER_GB',
  turnPerGb: 'RTCPULSE_PRICE_TURN_PER_GB',
  cpuHour: 'RTCPULSE_PRICE_CPU_HOUR',
  ramGbHour: 'RTCPULSE_PRICE_RAM_GB_HOUR',
  storageGbMonth: 'RTCPULSE_PRICE_STORAGE_GB_MONTH',
  storageRetentionMonths: 'RTCPULSE_STORAGE_RETENTION_MONTHS',
};

/**
 * The operator's prices as the collector and the generators read them:
 * {@link DEFAULT_PRICING}, overlaid with `file` (the parsed JSON of
 * `RTCPULSE_PRICING_FILE`, any subset of the fields), then with each
 * variable of {@link PRICE_ENV_NAMES} set in `env`. Not yet checked: see
 * {@link pricingProblem}.
 */
export function overlayPricing(env: Readonly<Record<string, string | undefined>>, file?: unknown): Record<string, unknown> {
  if (file !== undefined && (typeof file !== 'object' || file === null || Array.isArray(file))) {
    throw new Error(`${env.RTCPULSE_PRICING_FILE ?? 'the pricing file'}: pricing must be a JSON object`);
  }
  const names: readonly string[] = Object.values(PRICE_ENV_NAMES);
  const misspelt = Object.keys(env).find((name) => name.startsWith('RTCPULSE_PRICE_') && !names.includes(name) && env[name] !== undefined);
  if (misspelt) throw new Error(`${misspelt} is not a price variable; the price variables are ${names.join(', ')}`);
  const pricing: Record<string, unknown> = { ...DEFAULT_PRICING, ...(file as object | undefined) };
  for (const [field, name] of Object.entries(PRICE_ENV_NAMES)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = parseDecimal(raw.trim());
    if (value === undefined) throw new Error(`${name} must be a decimal number, got ${JSON.stringify(raw)}`);
    pricing[field] = value;
  }
  return pricing;
}

/** The first thing wrong with `value` as a {@link Pricing} (`/field message`), or `undefined` when it is one. */
export function pricingProblem(value: unknown): string | undefined {
  const error = Value.Errors(PricingSchema, value).First();
  return error ? `${error.path || '/'} ${error.message}` : undefined;
}

/** The parsed JSON text of the pricing file `file`; a syntax error names the file. */
export function parsePricingFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file} (RTCPULSE_PRICING_FILE): not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
