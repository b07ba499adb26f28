import type { StatsEntry } from './snapshot.js';
import { num, perSecond, percentOfInterval, type Interval } from './stats-fields.js';
import { FieldSource, mediaKind, ratio, setValue, type StreamContribution } from './stream-contribution.js';

/**
 * What one `inbound-rtp` entry contributes to `audio_in` or `video_in`.
 * Undefined for entries of unknown kind or that describe the remote side.
 */
export function inboundContribution(interval: Interval, entry: StatsEntry): StreamContribution | undefined {
  const kind = mediaKind(entry);
  if (kind === undefined || entry['isRemote'] === true) return undefined;
  const source = new FieldSource(interval, entry);
  const contribution: StreamContribution = { stream: kind === 'audio' ? 'audio_in' : 'video_in', values: {}, ratios: {} };
  const { values, ratios } = contribution;

  const lost = source.delta('packetsLost');
  const received = source.delta('packetsReceived');
  setValue(values, 'packets', received);
  setValue(values, 'packets_lost', lost);
  if (lost !== undefined && received !== undefined) {
    const loss = ratio(lost * 100, lost + received);
    if (loss) ratios.packet_loss_pct = loss;
  }
  const jitter = num(entry, 'jitter');
  setValue(values, 'jitter_ms', jitter === undefined ? undefined : jitter * 1000);
  const bytes = source.delta('bytesReceived');
  setValue(values, 'bitrate_kbps', perSecond(interval, bytes === undefined ? undefined : (bytes * 8) / 1000));

  const buffered = source.delta('jitterBufferDelay');
  const emitted = source.delta('jitterBufferEmittedCount');
  const bufferDelay = ratio(buffered === undefined ? undefined : buffered * 1000, emitted);
  if (bufferDelay) ratios.jitter_buffer_delay_ms = bufferDelay;

  if (kind === 'audio') {
    const concealed = source.delta('concealedSamples');
    const concealment = ratio(concealed === undefined ? undefined : concealed * 100, source.delta('totalSamplesReceived'));
    if (concealment) ratios.concealment_pct = concealment;
    return contribution;
  }

  setValue(values, 'frame_rate_fps', perSecond(interval, source.delta('framesDecoded')) ?? source.value('framesPerSecond'));
  const height = source.value('frameHeight');
  if (height !== undefined && height > 0) values.frame_height_px = height;
  setValue(values, 'freeze_count', source.delta('freezeCount'));
  setValue(values, 'freeze_time_pct', percentOfInterval(interval, source.delta('totalFreezesDuration')));
  return contribution;
}
