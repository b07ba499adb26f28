import type { Sample } from '@rtcpulse/schema';
import { combineStreams } from './combine-streams.js';
import { connectionValues, pathLabels, reportTimestamp } from './connection.js';
import { inboundContribution } from './inbound-stream.js';
import { outboundContribution, qualityLimitationReason, RemoteInboundIndex } from './outbound-stream.js';
import { labelValue } from './registry-rules.js';
import type { StatsSnapshot } from './snapshot.js';
import { round3, type Interval } from './stats-fields.js';
import type { StreamContribution } from './stream-contribution.js';

/** A sample without the identity the caller assigns (peer connection id and sequence number). */
export type SampleBody = Omit<Sample, 'pc' | 'seq'>;

function roundAll<T extends Partial<Record<string, number>>>(values: T): T {
  const rounded: Partial<Record<string, number>> = {};
  for (const [key, value] of Object.entries(values)) {
    const r = round3(value);
    if (r !== undefined && r >= 0) rounded[key] = r;
  }
  return rounded as T;
}

/**
 * Derives one sample from two consecutive stats snapshots of a peer
 * connection. Pure: no clock, no globals, inputs are not modified.
 *
 * `ts` is the report's own timestamp and `dur` the time since the previous
 * report (0 for the first sample, or when time did not advance: then no
 * interval values are derived, only instantaneous ones). Counter deltas are
 * matched by stats id; a counter that went backwards, or an entry that is new,
 * yields no value for that interval. Values are rounded to 3 decimals and are
 * never NaN, infinite or negative; keys that cannot be derived are omitted.
 * No address, port or URL is ever copied into the sample.
 */
export function extractSample(previous: StatsSnapshot | undefined, current: StatsSnapshot): SampleBody {
  const ts = reportTimestamp(current);
  const previousTs = previous === undefined ? undefined : reportTimestamp(previous);
  const dur = previousTs !== undefined && previousTs > 0 && ts > previousTs ? ts - previousTs : 0;
  const interval: Interval = { previous: dur > 0 ? previous : undefined, current, seconds: dur / 1000 };

  const remotes = new RemoteInboundIndex(current);
  const contributions: StreamContribution[] = [];
  for (const entry of current.values()) {
    const contribution =
      entry.type === 'inbound-rtp'
        ? inboundContribution(interval, entry)
        : entry.type === 'outbound-rtp'
          ? outboundContribution(interval, entry, remotes)
          : undefined;
    if (contribution) contributions.push(contribution);
  }

  const labels = pathLabels(current);
  const reason = labelValue('quality_limitation_reason', qualityLimitationReason(current));
  if (reason) labels.quality_limitation_reason = reason;

  return {
    ts: round3(ts) ?? 0,
    dur: round3(dur) ?? 0,
    conn: roundAll(connectionValues(interval)),
    streams: combineStreams(contributions),
    labels,
  };
}
