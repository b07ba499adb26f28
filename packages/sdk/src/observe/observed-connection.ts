import type { ReportEvent, Sample } from '@rtcpulse/schema';
import { extractSample, type StatsSnapshot } from '../extract/index.js';
import { createStatsReader } from '../extract/stats-reader.js';
import { defined } from '../extract/stats-fields.js';
import { instrumentMethods } from './instrument-methods.js';
import { watchConnection, type ConnectionEvent } from './watch-connection.js';

/** What an observed connection reports to: its session. */
export interface ConnectionSink {
  sample(sample: Sample): void;
  event(event: ReportEvent): void;
  /** A failed signalling call of the app's (reported as an `error` event). */
  callFailed(error: unknown, stage: string, pc: string): void;
  /** A problem of the SDK's own, never thrown to the app. */
  error(error: unknown): void;
  now(): number;
  lastOnline(): number | undefined;
  noInboundMs: number;
}

/** One observed RTCPeerConnection. */
export interface ObservedConnection {
  readonly id: string;
  /** Takes one sample; overlapping calls are skipped rather than queued. */
  sample(): Promise<void>;
  /** Calls `restartIce()` and records its outcome (runbook entry 3). */
  recover(): void;
  /** Stops listening and restores the wrapped methods; reports `pc.closed` if the connection has closed. */
  dispose(): void;
}

const onOff = (value: boolean | undefined): string | undefined => (value === undefined ? undefined : value ? 'on' : 'off');

/**
 * Starts observing one RTCPeerConnection: its per-connection sample
 * sequence, the previous stats snapshot the next deltas are taken against,
 * its state machines and its signalling calls.
 *
 * Each sample carries the `noise_suppression` and `auto_gain_control` labels
 * of the microphone track being sent (runbook entry 6). Asking the browser
 * for them costs a tenth of the sample's own processing, so they are read
 * again only on each full read of the stats report (the first report, a
 * change in the report's number of entries or in the selected pair, and at
 * least every `FULL_READ_EVERY` = 10 reports, see `createStatsReader`) and when the
 * audio sender's track was replaced or removed. A replaced or removed track
 * (also `replaceTrack(null)` and back) therefore shows in the very next sample; any other change (the same
 * track's settings changed by `applyConstraints`, a first audio track added)
 * within 10 samples (20 s at the default 2 s interval).
 */
export const observeConnection = (pc: RTCPeerConnection, id: string, sink: ConnectionSink): ObservedConnection => {
  const emit = (event: ConnectionEvent): void => sink.event({ ...event, pc: id, ts: sink.now() });
  let seq = 0;
  let previous: StatsSnapshot | undefined;
  let lastTs: number | undefined;
  // The audio-processing labels, and the sender and track they were read from (see above).
  let sender: RTCRtpSender | undefined;
  let track: MediaStreamTrack | null | undefined;
  let labels: Sample['labels'];
  const readLabels = (): void => {
    // A sender muted by `replaceTrack(null)` is kept, so that its next track is seen at once.
    sender = pc.getSenders().find((s) => s.track?.kind == 'audio') ?? sender;
    const settings = (track = sender?.track)?.getSettings();
    labels = defined({ noise_suppression: onOff(settings?.noiseSuppression), auto_gain_control: onOff(settings?.autoGainControl) });
  };
  const read = createStatsReader(readLabels);
  let busy: boolean | undefined;
  let closedReported: boolean | undefined;
  const reportClosed = (): void => {
    // close() sets both states to closed; signalingState is the one every browser has.
    if (!closedReported && pc.signalingState == 'closed') {
      emit({ type: 'pc.closed' });
      closedReported = true;
    }
  };
  emit({ type: 'pc.added' });
  const watch = watchConnection(pc, { ...sink, emit });
  const restore = instrumentMethods(pc, (error, stage) => sink.callFailed(error, stage, id));

  return {
    id,
    async sample() {
      if (busy) return;
      busy = true;
      try {
        const snapshot = read(await pc.getStats());
        const body = extractSample(previous, snapshot);
        // Asked again within the browser's 50 ms stats cache (a stop() right after a sample), getStats() gives the same
        // stats: no new sample. A report without a timestamp (0) is always one.
        if (body.ts != lastTs || !body.ts) {
          lastTs = body.ts;
          previous = snapshot;
          if (sender?.track !== track) readLabels();
          Object.assign(body.labels, labels);
          sink.sample({ ...body, pc: id, seq: seq++ });
          watch.tick(snapshot);
        }
      } catch (error) {
        sink.error(error);
      } finally {
        busy = false;
      }
      reportClosed();
    },
    recover: watch.recover,
    dispose() {
      watch.unwatch();
      restore();
      reportClosed();
    },
  };
};
