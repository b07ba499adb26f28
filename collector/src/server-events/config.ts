import { DEFAULT_PRICING, type Pricing } from '@rtcpulse/schema';
import { pricingFromEnv } from './pricing.js';
import { parseServerKeys, type ServerKeyEntry } from './server-keys.js';

/** Settings of the server events API. */
export interface ServerEventsConfig {
  /**
   * Server keys given as `tenant:key`, beside the tenants file's: each is
   * added to its tenant with the `events` scope (see `withServerKeys`).
   */
  readonly keys: readonly ServerKeyEntry[];
  /** Unit prices for cost metrics and the cost query. */
  readonly pricing: Pricing;
}

/**
 * Server events settings from the environment: keys from
 * `RTCPULSE_SERVER_KEYS` (`tenant:key,...`), pricing from
 * `RTCPULSE_PRICING_FILE` and `RTCPULSE_PRICE_*`.
 */
export function serverEventsConfigFromEnv(env: Readonly<Record<string, string | undefined>>): ServerEventsConfig {
  return { keys: parseServerKeys(env.RTCPULSE_SERVER_KEYS), pricing: pricingFromEnv(env) };
}

/** Settings for code and tests: the given keys, default or given pricing. */
export function serverEventsConfig(keys: readonly ServerKeyEntry[], pricing: Pricing = DEFAULT_PRICING): ServerEventsConfig {
  return { keys, pricing };
}
