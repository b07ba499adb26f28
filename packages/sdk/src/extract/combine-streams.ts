import type { Sample } from '@rtcpulse/schema';
import { MAX_KEYS, MEAN_KEYS, MIN_KEYS, type AnyStreamMetricKey } from './registry-rules.js';
import { round } from './stats-fields.js';
import type { StreamContribution } from './stream-contribution.js';

type Accumulated = Partial<Record<AnyStreamMetricKey, number[]>>;

/**
 * Combines per-RTP-stream contributions into one value set per stream key,
 * following each metric's registry aggregation (sum, max, min, mean, or ratio
 * as sum of numerators over sum of denominators). Values are rounded for the
 * wire; a stream key with no value is left out.
 */
export function combineStreams(contributions: readonly StreamContribution[]): Sample['streams'] {
  const groups: Partial<Record<string, Accumulated>> = {};
  for (const { stream, values, ratios } of contributions) {
    const group = (groups[stream] ??= {});
    const add = (key: AnyStreamMetricKey, a: number, b: number): void => {
      const acc = (group[key] ??= [0, 0, Infinity, -Infinity, 0]);
      // [sum, denominator sum, min, max, count]
      acc[0]! += a;
      acc[1]! += b;
      acc[2] = Math.min(acc[2]!, a);
      acc[3] = Math.max(acc[3]!, a);
      acc[4]!++;
    };
    for (const key in values) add(key as AnyStreamMetricKey, values[key as keyof typeof values]!, 0);
    for (const key in ratios) {
      const [numerator, denominator] = ratios[key as keyof typeof ratios]!;
      add(key as AnyStreamMetricKey, numerator, denominator);
    }
  }
  const streams: Record<string, Partial<Record<AnyStreamMetricKey, number>>> = {};
  for (const stream in groups) {
    const out: Partial<Record<AnyStreamMetricKey, number>> = {};
    const group = groups[stream]!;
    for (const k in group) {
      const key = k as AnyStreamMetricKey;
      const [sum, den, min, max, count] = group[key]! as [number, number, number, number, number];
      const is = (keys: readonly string[]): boolean => keys.includes(key);
      out[key] = round(den ? sum / den : is(MAX_KEYS) ? max : is(MIN_KEYS) ? min : is(MEAN_KEYS) ? sum / count : sum);
    }
    streams[stream] = out;
  }
  // Every key a contribution may set is a registry metric of its stream (checked by the schema in tests).
  return streams as Sample['streams'];
}
