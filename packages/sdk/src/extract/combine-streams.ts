import type { Sample, StreamAggregation, StreamKey } from '@rtcpulse/schema';
import { STREAM_AGGREGATION, STREAM_METRIC_KEYS, type AnyStreamMetricKey, type RatioMetricKey } from './registry-rules.js';
import { round3 } from './stats-fields.js';
import type { StreamContribution } from './stream-contribution.js';

function isRatioKey(key: AnyStreamMetricKey): key is RatioMetricKey {
  return STREAM_AGGREGATION[key] === 'ratio';
}

function combineRatio(group: readonly StreamContribution[], key: RatioMetricKey): number | undefined {
  let numerator = 0;
  let denominator = 0;
  for (const { ratios } of group) {
    const parts = ratios[key];
    if (!parts) continue;
    numerator += parts.numerator;
    denominator += parts.denominator;
  }
  return denominator > 0 ? numerator / denominator : undefined;
}

/** Applies a non-ratio aggregation rule (every rule is handled, including ones the registry does not use yet). */
function aggregate(rule: StreamAggregation, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  switch (rule) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'ratio':
      return undefined;
  }
}

function combineValues(group: readonly StreamContribution[], key: Exclude<AnyStreamMetricKey, RatioMetricKey>): number | undefined {
  const values: number[] = [];
  for (const contribution of group) {
    const value = contribution.values[key];
    if (value !== undefined) values.push(value);
  }
  return aggregate(STREAM_AGGREGATION[key], values);
}

/**
 * Combines per-RTP-stream contributions into one value set per stream key,
 * following each metric's registry aggregation (sum, max, min, mean, or ratio
 * as sum of numerators over sum of denominators). A stream key with no value
 * is left out.
 */
export function combineStreams(contributions: readonly StreamContribution[]): Sample['streams'] {
  const groups = new Map<StreamKey, StreamContribution[]>();
  for (const contribution of contributions) {
    const group = groups.get(contribution.stream);
    if (group) group.push(contribution);
    else groups.set(contribution.stream, [contribution]);
  }
  const streams: Partial<Record<StreamKey, Partial<Record<AnyStreamMetricKey, number>>>> = {};
  for (const [stream, group] of groups) {
    const keys: readonly AnyStreamMetricKey[] = STREAM_METRIC_KEYS[stream];
    const combined: Partial<Record<AnyStreamMetricKey, number>> = {};
    for (const key of keys) {
      const value = round3(isRatioKey(key) ? combineRatio(group, key) : combineValues(group, key));
      if (value !== undefined) combined[key] = value;
    }
    if (Object.keys(combined).length > 0) streams[stream] = combined;
  }
  // Only keys listed in STREAM_METRIC_KEYS[stream] were set, which the compiler checked against the registry.
  return streams as Sample['streams'];
}
