import type { Prices } from './types.js';

/**
 * Prices used when the caller gives none: the same placeholder list prices
 * as the collector's default pricing (`collector/src/server-events/pricing.ts`).
 * The Grafana-managed cost rules are generated with these; the evaluator
 * takes yours (`--prices FILE`, and the collector endpoint uses the
 * collector's pricing configuration).
 */
export const DEFAULT_PRICES: Prices = {
  egressPerGb: 0.08,
  turnPerGb: 0.08,
  cpuHour: 0.04,
  ramGbHour: 0.005,
  storageGbMonth: 0.023,
  storageRetentionMonths: 1,
};
