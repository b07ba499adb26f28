import type { StatsEntry, StatsSnapshot } from './snapshot.js';
import { counterDelta, entriesOfType, entryOfType, increase, num, percentOfInterval, perSecond, scale, str, type Interval } from './stats-fields.js';
import { contribution, fieldReader, mediaKind, type FieldReader, type StreamContribution, type StreamTotals } from './stream-contribution.js';

/**
 * RMS audio level over the interval (runbook entry 6): the square root of the
 * energy added per second of audio, which is how the stats spec says to
 * average `audioLevel`; the current `audioLevel` when there is no interval.
 */
const audioLevel = ({ v, d }: FieldReader): number | undefined => {
  const energy = d('totalAudioEnergy');
  const seconds = d('totalSamplesDuration');
  return energy !== undefined && seconds ? Math.sqrt(energy / seconds) : v('audioLevel');
};

/**
 * Frame rate, height and runbook-11 frame counters shared by both directions
 * of video. A stream that carried no media bytes this interval (a paused
 * simulcast layer, a remote camera turned off, a track replaced by null, a
 * stream of padding or probes only) is no video at 0 fps: it is left out of
 * the frame rate's mean, and its frame height is the last one it had, so it
 * is left out of that too. A stream with bytes but no frames (a stalled
 * decoder) counts at 0 fps.
 */
const videoFrames = (c: StreamContribution, interval: Interval, r: FieldReader, io: 'Decoded' | 'Encoded', bytes: number | undefined): void => {
  const frames = r.d('frames' + io);
  c.set('frames', frames);
  c.set('key_frames', r.d('keyFrames' + io));
  c.set('pli_count', r.d('pliCount'));
  c.set('fir_count', r.d('firCount'));
  if (bytes !== 0) {
    // A mean over the streams (registry): the sum of values over their count.
    c.ratio('frame_rate_fps', perSecond(interval, frames) ?? r.v('framesPerSecond'), 1);
    c.set('frame_height_px', r.v('frameHeight') || undefined);
  }
};

/**
 * Adds what one `inbound-rtp` entry contributes to `audio_in` or `video_in`.
 * Nothing for entries of unknown kind or that describe the remote side.
 */
export const addInbound = (totals: StreamTotals, interval: Interval, entry: StatsEntry): void => {
  const kind = mediaKind(entry);
  if (!kind || entry['isRemote'] === true) return;
  const r = fieldReader(interval, entry);
  const c = contribution(totals, kind == 'audio' ? 'audio_in' : 'video_in');
  const lost = r.d('packetsLost');
  const received = r.d('packetsReceived');
  c.set('packets', received);
  c.set('packets_lost', lost);
  if (received !== undefined) c.ratio('packet_loss_pct', scale(lost, 100), (lost ?? 0) + received);
  // A stream that received no packets this interval (a probing SSRC, a paused layer) only repeats an old jitter.
  if (received !== 0) c.set('jitter_ms', scale(r.v('jitter'), 1000));
  const bytes = r.d('bytesReceived');
  c.set('bitrate_kbps', perSecond(interval, scale(bytes, 0.008)));
  c.ratio('jitter_buffer_delay_ms', scale(r.d('jitterBufferDelay'), 1000), r.d('jitterBufferEmittedCount'));
  if (kind == 'audio') {
    c.ratio('concealment_pct', scale(r.d('concealedSamples'), 100), r.d('totalSamplesReceived'));
    c.set('audio_level', audioLevel(r));
  } else {
    videoFrames(c, interval, r, 'Decoded', bytes);
    c.set('freeze_count', r.d('freezeCount'));
    c.set('freeze_time_pct', percentOfInterval(interval, r.d('totalFreezesDuration')));
  }
};

/** The peer's receiver report (`remote-inbound-rtp`) for an outbound stream: via `remoteId`, else `localId`, else SSRC and kind. */
const remoteInbound = (snapshot: StatsSnapshot, remotes: readonly StatsEntry[], outbound: StatsEntry): StatsEntry | undefined => {
  return (
    entryOfType(snapshot, str(outbound, 'remoteId'), 'remote-inbound-rtp') ??
    remotes.find((r) => str(r, 'localId') === outbound.id) ??
    remotes.find((r) => num(r, 'ssrc') === num(outbound, 'ssrc') && mediaKind(r) === mediaKind(outbound))
  );
};

/** Seconds of the interval the encoder spent limited for each reason, from `qualityLimitationDurations`. */
const limitedSeconds = (interval: Interval, entry: StatsEntry, reason: string): number | undefined => {
  const pick = (e: StatsEntry | undefined): StatsEntry | undefined => e?.['qualityLimitationDurations'] as StatsEntry | undefined;
  return increase(num(pick(entry), reason), num(pick(interval.previous?.get(entry.id)), reason));
};

/**
 * Adds what one `outbound-rtp` entry contributes to `audio_out` or
 * `video_out`, joined to the peer's receiver report for loss, jitter and
 * RTT, to its media source for the microphone level, and split by simulcast
 * layer.
 */
export const addOutbound = (totals: StreamTotals, interval: Interval, entry: StatsEntry, remotes: readonly StatsEntry[]): void => {
  const kind = mediaKind(entry);
  if (!kind || entry['isRemote'] === true) return;
  const r = fieldReader(interval, entry);
  const c = contribution(totals, kind == 'audio' ? 'audio_out' : 'video_out');
  const sent = r.d('packetsSent');
  const bytes = r.d('bytesSent');
  c.set('packets', sent);
  c.set('bitrate_kbps', perSecond(interval, scale(bytes, 0.008)));

  const remote = remoteInbound(interval.current, remotes, entry);
  // The peer's report on a stream that sent nothing this interval (a paused simulcast layer) repeats old loss, jitter and RTT.
  // (Its timestamp is no guide: receiver reports arrive every few seconds, paused or not.)
  if (remote && sent !== 0) {
    const lost = counterDelta(interval, remote, 'packetsLost');
    c.set('packets_lost', lost);
    // Expected = lost + what the peer received, else what we sent.
    const remoteReceived = counterDelta(interval, remote, 'packetsReceived');
    const expected = remoteReceived !== undefined && lost !== undefined ? lost + remoteReceived : sent;
    if (lost !== undefined && expected !== undefined) c.ratio('packet_loss_pct', Math.min(lost, expected) * 100, expected);
    c.set('jitter_ms', scale(num(remote, 'jitter'), 1000));
    // Receiver reports without a round-trip measurement yet carry roundTripTime 0 (Chrome, Safari).
    const rtt = num(remote, 'roundTripTime');
    if (rtt) c.set('rtt_ms', rtt * 1000);
  }

  if (kind == 'audio') {
    c.set('audio_level', audioLevel(fieldReader(interval, entryOfType(interval.current, str(entry, 'mediaSourceId'), 'media-source'))));
    return;
  }
  videoFrames(c, interval, r, 'Encoded', bytes);
  const cpu = limitedSeconds(interval, entry, 'cpu');
  const bandwidth = limitedSeconds(interval, entry, 'bandwidth');
  const other = limitedSeconds(interval, entry, 'other');
  c.set('quality_limited_cpu_pct', percentOfInterval(interval, cpu));
  c.set('quality_limited_bandwidth_pct', percentOfInterval(interval, bandwidth));
  if (cpu !== undefined || bandwidth !== undefined || other !== undefined) {
    c.set('quality_limited_pct', percentOfInterval(interval, (cpu ?? 0) + (bandwidth ?? 0) + (other ?? 0)));
  }
  // Simulcast layers (runbook entry 4): sendEncodings index, layers above the third add to layer 2.
  // (Any index but 0 and 1 is layer 2: also one that is not a whole number or is negative.)
  if (str(entry, 'rid') !== undefined) c.set(`layer${([0, 1] as const)[num(entry, 'encodingIndex') ?? 0] ?? 2}_bytes`, bytes);
};

const REASON_SEVERITY = ['bandwidth', 'cpu', 'other', 'none'];

/**
 * Why the video encoder limits quality now: the most severe reason across the
 * video outbound streams (simulcast layers share one encoder state in practice).
 */
export const qualityLimitationReason = (snapshot: StatsSnapshot): string | undefined => {
  let chosen: string | undefined;
  const rank = (value: string): number => (REASON_SEVERITY.indexOf(value) + 5) % 5;
  for (const entry of entriesOfType(snapshot, 'outbound-rtp')) {
    const reason = str(entry, 'qualityLimitationReason');
    // `str` gives a non-empty string or undefined.
    if (mediaKind(entry) == 'video' && reason && (!chosen || rank(reason) < rank(chosen))) chosen = reason;
  }
  return chosen;
};
