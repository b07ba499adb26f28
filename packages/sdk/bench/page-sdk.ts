// The SDK code the sample-cost benchmark runs in the page, bundled as the
// global `RtcPulseBench`: the real per-connection sample path
// (observeConnection) with the session's sample sink as rtc-pulse.ts builds
// it (session-quality tracker + bounded report queue), plus the extraction
// functions for the breakdown.
import type { ReportEvent, Sample } from '@rtcpulse/schema';
import { DEFAULT_MAX_QUEUE, DEFAULT_NO_INBOUND_RTP_MS } from '../src/constants.js';
import { extractSample, toSnapshot } from '../src/extract/index.js';
import { createStatsReader } from '../src/extract/stats-reader.js';
import { observeConnection, type ObservedConnection } from '../src/observe/observed-connection.js';
import { degradedTracker } from '../src/session/degraded.js';
import { createReporter } from '../src/transport/reporter.js';

/**
 * Observes `pc` as a session would and calls `onSample` with each queued
 * sample; SDK errors go to `onError`. The queue is never flushed here: the benchmark counts encoding as
 * JSON.stringify of each sample (what a batch's encoding costs per sample).
 */
export function observeForBench(
  pc: RTCPeerConnection,
  id: string,
  onSample: (sample: Sample) => void,
  onError: (error: unknown) => void,
): ObservedConnection {
  const reporter = createReporter(
    { tenant: 'bench', sessionId: 'bench', callId: 'bench', participantId: 'bench', meta: { browser: 'chrome', os: 'linux' } },
    () => Promise.resolve({ ok: true }),
    { batchMax: Infinity, queueMax: DEFAULT_MAX_QUEUE, maxAttempts: 8, now: Date.now, draw: Math.random },
  );
  const quality = degradedTracker();
  return observeConnection(pc, id, {
    now: Date.now,
    error: onError,
    callFailed: () => undefined,
    lastOnline: () => undefined,
    noInboundMs: DEFAULT_NO_INBOUND_RTP_MS,
    event: (event: ReportEvent) => reporter.addEvent(event),
    sample(sample: Sample) {
      quality.take(sample);
      reporter.addSample(sample);
      onSample(sample);
    },
  });
}

export { createStatsReader, extractSample, toSnapshot };
