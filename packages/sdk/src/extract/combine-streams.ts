import type { Sample } from '@rtcpulse/schema';
import { round } from './stats-fields.js';
import type { StreamTotals } from './stream-contribution.js';

/**
 * The value per stream key and metric from the RTP streams' totals (see
 * `contribution`: sums or maxima, divided by their denominator sum for a
 * ratio metric and by their count for a mean one), rounded for the wire.
 * The totals' own objects become the sample's (no copies).
 */
export const combineStreams = (totals: StreamTotals): Sample['streams'] => {
  for (const stream in totals) {
    const { v, n } = totals[stream as keyof StreamTotals]!;
    for (const key in v) {
      const d = n[key];
      v[key] = round(d ? v[key]! / d : v[key]);
    }
    (totals as Record<string, unknown>)[stream] = v;
  }
  // Every key a contribution may set is a registry metric of its stream (checked by the schema in tests).
  return totals as Sample['streams'];
};
