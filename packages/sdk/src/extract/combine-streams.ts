import type { Sample, StreamKey } from '@rtcpulse/schema';
import { MAX_KEYS, MEAN_KEYS, MIN_KEYS, type AnyStreamMetricKey } from './registry-rules.js';
import { round } from './stats-fields.js';
import type { StreamTotals } from './stream-contribution.js';

/**
 * The value per stream key and metric from the RTP streams' totals,
 * following each metric's registry aggregation (sum, max, min, mean, or ratio
 * as sum of numerators over sum of denominators), rounded for the wire.
 */
export function combineStreams(totals: StreamTotals): Sample['streams'] {
  const streams: Record<string, Partial<Record<AnyStreamMetricKey, number>>> = {};
  for (const stream in totals) {
    const out: Partial<Record<AnyStreamMetricKey, number>> = {};
    const group = totals[stream as StreamKey]!;
    for (const k in group) {
      const key = k as AnyStreamMetricKey;
      // [sum, denominator sum, min, max, count] (MetricTotals); indexed, not destructured: smaller and faster cold.
      const t = group[key]!;
      const is = (keys: readonly string[]): boolean => keys.includes(key);
      out[key] = round(t[1] ? t[0] / t[1] : is(MAX_KEYS) ? t[3] : is(MIN_KEYS) ? t[2] : is(MEAN_KEYS) ? t[0] / t[4] : t[0]);
    }
    streams[stream] = out;
  }
  // Every key a contribution may set is a registry metric of its stream (checked by the schema in tests).
  return streams as Sample['streams'];
}
