import { DEFAULT_PRICING } from '@rtcpulse/schema';
import type { Prices } from './types.js';

/**
 * Prices used when the caller gives none: the default pricing of
 * `@rtcpulse/schema` (`DEFAULT_PRICING`), the one place those placeholder
 * list prices are written and the collector's default too. The
 * Grafana-managed cost rules are generated with these; the evaluator takes
 * yours (`--prices FILE`, and the collector endpoint uses the collector's
 * pricing configuration).
 */
export const DEFAULT_PRICES: Prices = { ...DEFAULT_PRICING };
