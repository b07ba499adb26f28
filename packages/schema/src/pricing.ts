/**
 * Unit prices that turn the usage the server events carry (bytes, CPU and
 * memory time, stored recordings) into US dollars. One shared fact: the
 * collector prices usage with them (its cost metrics and cost breakdowns),
 * the alert rules and the dashboards apply them in SQL. The collector reads
 * the operator's prices from its environment; these are the defaults.
 */
import { Type, type Static } from '@sinclair/typebox';

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
