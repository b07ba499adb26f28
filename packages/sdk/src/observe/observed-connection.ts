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
  readonly pc: RTCPeerConnection;
  readonly id: string;
  /** Takes one sample; overlapping calls are skipped rather than queued. */
  sample(): Promise<void>;
  /** Calls `restartIce()` and records its outcome. */
  restartIce(): void;
  /** Stops listening and restores the wrapped methods; reports `pc.closed` if the connection has closed. */
  dispose(): void;
}

const onOff = (value: boolean | undefined): string | undefined => (value === undefined ? undefined : value ? 'on' : 'off');

/** Noise suppression and gain control of the microphone track being sent (runbook entry 6). */
function audioProcessingLabels(pc: RTCPeerConnection): Sample['labels'] {
  const settings = pc.getSenders().find((s) => s.track?.kind === 'audio')?.track?.getSettings();
  return defined({ noise_suppression: onOff(settings?.noiseSuppression), auto_gain_control: onOff(settings?.autoGainControl) });
}

/**
 * Starts observing one RTCPeerConnection: its per-connection sample
 * sequence, the previous stats snapshot the next deltas are taken against,
 * its state machines and its signalling calls.
 */
export function observeConnection(pc: RTCPeerConnection, id: string, sink: ConnectionSink): ObservedConnection {
  const emit = (event: ConnectionEvent): void => sink.event({ ...event, pc: id, ts: sink.now() });
  let seq = 0;
  let previous: StatsSnapshot | undefined;
  const read = createStatsReader();
  let busy = false;
  let closedReported = false;
  const reportClosed = (): void => {
    // close() sets both states to closed; signalingState is the one every browser has.
    if (!closedReported && pc.signalingState === 'closed') {
      emit({ type: 'pc.closed' });
      closedReported = true;
    }
  };
  emit({ type: 'pc.added' });
  const watch = watchConnection(pc, { emit, now: sink.now, lastOnline: sink.lastOnline, noInboundMs: sink.noInboundMs });
  const restore = instrumentMethods(pc, (error, stage) => sink.callFailed(error, stage, id));

  return {
    pc,
    id,
    async sample() {
      if (busy) return;
      busy = true;
      try {
        const snapshot = read(await pc.getStats());
        const body = extractSample(previous, snapshot);
        previous = snapshot;
        Object.assign(body.labels, audioProcessingLabels(pc));
        sink.sample({ ...body, pc: id, seq: seq++ });
        watch.tick(snapshot);
      } catch (error) {
        sink.error(error);
      } finally {
        busy = false;
      }
      reportClosed();
    },
    restartIce: watch.restartIce,
    dispose() {
      watch.stop();
      restore();
      reportClosed();
    },
  };
}
