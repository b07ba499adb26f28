import type { Sample } from '@rtcpulse/schema';
import { combineStreams } from './combine-streams.js';
import { connectionValues, pathLabels, reportTimestamp, selectedPath } from './connection.js';
import { estimateMos } from './mos.js';
import { labelValue } from './registry-rules.js';
import { addInbound, addOutbound, qualityLimitationReason } from './rtp-streams.js';
import type { StatsSnapshot } from './snapshot.js';
import { defined, entriesOfType, round, str, type Interval } from './stats-fields.js';
import type { StreamTotals } from './stream-contribution.js';

/** A sample without the identity the caller assigns (peer connection id and sequence number). */
export type SampleBody = Omit<Sample, 'pc' | 'seq'>;

/** The values of one audio direction that its estimated MOS is made of. */
type MosInputs = { packet_loss_pct?: number; jitter_ms?: number; jitter_buffer_delay_ms?: number; mos?: number };

/** Adds the estimated MOS of one audio direction when it has loss measured for the interval and a round-trip time. */
const addMos = (stream: MosInputs | undefined, rtt: number | undefined): void => {
  if (stream?.packet_loss_pct !== undefined && rtt !== undefined) {
    stream.mos = round(estimateMos(rtt, stream.jitter_ms ?? 0, stream.packet_loss_pct, stream.jitter_buffer_delay_ms));
  }
};

/**
 * Derives one sample from two consecutive stats snapshots of a peer
 * connection. Pure: no clock, no globals, inputs are not modified.
 *
 * `ts` is the report's own timestamp and `dur` the time since the previous
 * report (0 for the first sample, or when time did not advance: then no
 * interval values are derived, only instantaneous ones). Counter deltas are
 * matched by stats id; an entry that is new counts from 0 (but a peer's
 * receiver report: see `counterDelta`), and a counter that went backwards
 * yields no value for that interval. Values are rounded for the wire (3
 * significant digits, whole numbers from 100) and are never NaN, infinite or
 * negative; keys that cannot be derived are omitted. No address, port or URL
 * is ever copied into the sample.
 */
export const extractSample = (previous: StatsSnapshot | undefined, current: StatsSnapshot): SampleBody => {
  const path = selectedPath(current);
  const pair = path[1];
  const ts = reportTimestamp(current, path);
  const previousTs = previous && reportTimestamp(previous);
  // Over an hour since the previous report (a laptop asleep): no interval values, as the wire allows at most an hour.
  const dur = previousTs && ts > previousTs && ts - previousTs <= 36e5 ? ts - previousTs : 0;
  const interval: Interval = { previous: dur > 0 ? previous : undefined, current, seconds: dur / 1000 };

  const remotes = entriesOfType(current, 'remote-inbound-rtp');
  const totals: StreamTotals = {};
  let svc: string | undefined;
  for (const entry of current.values()) {
    if (entry.type == 'inbound-rtp') addInbound(totals, interval, entry);
    if (entry.type == 'outbound-rtp') {
      addOutbound(totals, interval, entry, remotes);
      svc ??= str(entry, 'scalabilityMode');
    }
  }
  const labels = pathLabels(current, pair);
  const conn = connectionValues(interval, pair, labels.local_candidate_type == 'relay');
  const streams = combineStreams(totals);
  const rtt = round(conn.rtt_ms);
  addMos(streams.audio_in, rtt);
  // Sent audio: the RTT of its own receiver reports where there is one.
  addMos(streams.audio_out, streams.audio_out?.rtt_ms ?? rtt);
  return {
    ts: Math.round(ts),
    dur: Math.round(dur),
    conn: defined(conn),
    streams,
    labels: defined(
      Object.assign(labels, {
        quality_limitation_reason: labelValue('quality_limitation_reason', qualityLimitationReason(current)),
        scalability_mode: labelValue('scalability_mode', svc),
      }),
    ),
  };
};
