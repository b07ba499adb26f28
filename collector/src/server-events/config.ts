import { DEFAULT_PRICING, type Pricing } from '@rtcpulse/schema';
import { pricingFromEnv } from './pricing.js';
import { createServerKeyAuthenticator, parseServerKeys, type ServerAuthenticator } from './server-keys.js';

/** Settings of the server events API. */
export interface ServerEventsConfig {
  /** Who may post server events, and for which tenant. */
  readonly authenticate: ServerAuthenticator;
  /** Unit prices for cost metrics and the cost query. */
  readonly pricing: Pricing;
}

/**
 * Server events settings from the environment: keys from
 * `RTCPULSE_SERVER_KEYS` (`tenant:key,...`; none means every server request
 * gets 401), pricing from `RTCPULSE_PRICING_FILE` and `RTCPULSE_PRICE_*`.
 */
export function serverEventsConfigFromEnv(env: Readonly<Record<string, string | undefined>>): ServerEventsConfig {
  return {
    authenticate: createServerKeyAuthenticator(parseServerKeys(env.RTCPULSE_SERVER_KEYS)),
    pricing: pricingFromEnv(env),
  };
}

/** Settings for code and tests: the given keys, default or given pricing. */
export function serverEventsConfig(keys: readonly { tenant: string; key: string }[], pricing: Pricing = DEFAULT_PRICING): ServerEventsConfig {
  return { authenticate: createServerKeyAuthenticator(keys), pricing };
}
