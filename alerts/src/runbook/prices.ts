import { DEFAULT_PRICING } from '../../../collector/src/server-events/pricing.js';
import type { Prices } from './types.js';

/**
 * Prices used when the caller gives none: the collector's default pricing
 * (`collector/src/server-events/pricing.ts`), the one place those
 * placeholder list prices are written. The Grafana-managed cost rules are
 * generated with these; the evaluator takes yours (`--prices FILE`, and the
 * collector endpoint uses the collector's pricing configuration).
 */
export const DEFAULT_PRICES: Prices = { ...DEFAULT_PRICING };
