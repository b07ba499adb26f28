import type { StatsEntry, StatsSnapshot } from './snapshot.js';
import { counterDelta, entriesOfType, entryOfType, num, perSecond, percentOfInterval, str, type Interval } from './stats-fields.js';
import { FieldSource, mediaKind, ratio, setValue, type RatioParts, type StreamContribution } from './stream-contribution.js';

/** Finds the peer's receiver report (`remote-inbound-rtp`) for an outbound stream. */
export class RemoteInboundIndex {
  private readonly byLocalId = new Map<string, StatsEntry>();
  private readonly bySsrc = new Map<string, StatsEntry>();

  constructor(private readonly snapshot: StatsSnapshot) {
    for (const remote of entriesOfType(snapshot, 'remote-inbound-rtp')) {
      const localId = str(remote, 'localId');
      if (localId !== undefined) this.byLocalId.set(localId, remote);
      const ssrc = num(remote, 'ssrc');
      if (ssrc !== undefined) this.bySsrc.set(`${mediaKind(remote) ?? ''}:${ssrc}`, remote);
    }
  }

  /** Via the outbound `remoteId`, else the remote's `localId`, else the same SSRC and kind. */
  find(outbound: StatsEntry): StatsEntry | undefined {
    const ssrc = num(outbound, 'ssrc');
    return (
      entryOfType(this.snapshot, str(outbound, 'remoteId'), 'remote-inbound-rtp') ??
      this.byLocalId.get(outbound.id) ??
      (ssrc === undefined ? undefined : this.bySsrc.get(`${mediaKind(outbound) ?? ''}:${ssrc}`))
    );
  }
}

const LIMITATION_REASONS = ['cpu', 'bandwidth', 'other'] as const;

/** A `qualityLimitationDurations` record's seconds for one reason. */
function limitationSeconds(entry: StatsEntry | undefined, reason: string): number | undefined {
  const durations = entry?.['qualityLimitationDurations'];
  if (typeof durations !== 'object' || durations === null) return undefined;
  const seconds = (durations as Record<string, unknown>)[reason];
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : undefined;
}

/** Seconds of the interval the encoder spent limited (CPU, bandwidth or other). */
function limitedSeconds(interval: Interval, entry: StatsEntry): number | undefined {
  const before = interval.previous?.get(entry.id);
  let total: number | undefined;
  for (const reason of LIMITATION_REASONS) {
    const now = limitationSeconds(entry, reason);
    const then = limitationSeconds(before, reason);
    if (now === undefined && then === undefined) continue;
    if (now === undefined || then === undefined || now < then) return undefined;
    total = (total ?? 0) + now - then;
  }
  return total;
}

/** Loss the peer reports for our stream over the interval, weighted by packets. */
function remoteLoss(interval: Interval, remote: StatsEntry, lost: number | undefined, sent: number | undefined): RatioParts | undefined {
  if (lost !== undefined) {
    const remoteReceived = counterDelta(interval, remote, 'packetsReceived');
    const expected = remoteReceived !== undefined ? lost + remoteReceived : sent;
    if (expected !== undefined) return ratio(Math.min(lost, expected) * 100, expected);
  }
  const fraction = num(remote, 'fractionLost');
  if (fraction === undefined || fraction < 0 || fraction > 1) return undefined;
  const weight = sent ?? 1;
  return ratio(fraction * 100 * weight, weight);
}

/**
 * What one `outbound-rtp` entry contributes to `audio_out` or `video_out`,
 * joined to the peer's receiver report for loss, jitter and RTT.
 */
export function outboundContribution(
  interval: Interval,
  entry: StatsEntry,
  remotes: RemoteInboundIndex,
): StreamContribution | undefined {
  const kind = mediaKind(entry);
  if (kind === undefined || entry['isRemote'] === true) return undefined;
  const source = new FieldSource(interval, entry);
  const contribution: StreamContribution = { stream: kind === 'audio' ? 'audio_out' : 'video_out', values: {}, ratios: {} };
  const { values, ratios } = contribution;

  const sent = source.delta('packetsSent');
  setValue(values, 'packets', sent);
  const bytes = source.delta('bytesSent');
  setValue(values, 'bitrate_kbps', perSecond(interval, bytes === undefined ? undefined : (bytes * 8) / 1000));

  const remote = remotes.find(entry);
  if (remote) {
    const lost = counterDelta(interval, remote, 'packetsLost');
    setValue(values, 'packets_lost', lost);
    const loss = remoteLoss(interval, remote, lost, sent);
    if (loss) ratios.packet_loss_pct = loss;
    const jitter = num(remote, 'jitter');
    setValue(values, 'jitter_ms', jitter === undefined ? undefined : jitter * 1000);
    // Receiver reports without a round-trip measurement yet carry roundTripTime 0 (Chrome, Safari).
    const rtt = num(remote, 'roundTripTime');
    if (rtt !== undefined && rtt > 0) values.rtt_ms = rtt * 1000;
  }

  if (kind === 'video') {
    setValue(values, 'frame_rate_fps', perSecond(interval, source.delta('framesEncoded')) ?? source.value('framesPerSecond'));
    const height = source.value('frameHeight');
    if (height !== undefined && height > 0) values.frame_height_px = height;
    setValue(values, 'quality_limited_pct', percentOfInterval(interval, limitedSeconds(interval, entry)));
  }
  return contribution;
}

const REASON_SEVERITY = ['bandwidth', 'cpu', 'other', 'none'];

/**
 * Why the video encoder limits quality now: the most severe reason across the
 * video outbound streams (simulcast layers share one encoder state in practice).
 */
export function qualityLimitationReason(snapshot: StatsSnapshot): string | undefined {
  let chosen: string | undefined;
  for (const entry of entriesOfType(snapshot, 'outbound-rtp')) {
    if (mediaKind(entry) !== 'video') continue;
    const reason = str(entry, 'qualityLimitationReason');
    if (reason === undefined) continue;
    const rank = (value: string): number => {
      const index = REASON_SEVERITY.indexOf(value);
      return index < 0 ? REASON_SEVERITY.length : index;
    };
    if (chosen === undefined || rank(reason) < rank(chosen)) chosen = reason;
  }
  return chosen;
}
