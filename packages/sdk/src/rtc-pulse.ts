import type { ReportEvent, Sample } from '@rtcpulse/schema';
import {
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_BATCH_SAMPLES,
  DEFAULT_MAX_QUEUE,
  DEFAULT_SAMPLE_INTERVAL_MS,
} from './constants.js';
import { ObservedConnection, type ConnectionSink } from './observe/observed-connection.js';
import { now, onPageHide, randomId, userAgent } from './platform/browser.js';
import { parseUserAgent } from './platform/user-agent.js';
import type { RtcPulseOptions } from './options.js';
import { Reporter } from './transport/reporter.js';
import { createFetchSender, type SendReport } from './transport/send-report.js';

/** A running rtcpulse session. Every method is safe: none throws into the app. */
export interface RtcPulse {
  readonly sessionId: string;
  /** Starts observing a peer connection; returns the id it is reported under. */
  observe(pc: RTCPeerConnection, options?: { id?: string }): string;
  /** Stops observing a peer connection (after one last sample). */
  unobserve(pc: RTCPeerConnection): Promise<void>;
  /** Starts sampling every interval and sending reports. */
  start(): void;
  /** Takes a last sample, records the session end, sends everything and stops. */
  stop(reason?: string): Promise<void>;
  /** Sends whatever is waiting now. */
  flush(): Promise<void>;
}

/**
 * Creates an rtcpulse session for one participant of one call.
 *
 * @example
 * const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 'pk_demo', callId: 'room-1', participantId: 'p-1' });
 * pulse.observe(pc);
 * pulse.start();
 */
export function createRtcPulse(options: RtcPulseOptions, send?: SendReport): RtcPulse {
  const sessionId = options.sessionId ?? randomId();
  const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const maxBatchSamples = options.maxBatchSamples ?? DEFAULT_MAX_BATCH_SAMPLES;
  const ua = parseUserAgent(userAgent());
  const reporter = new Reporter(
    {
      tenant: options.tenant,
      sessionId,
      callId: options.callId,
      participantId: options.participantId,
      meta: {
        ...ua,
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.topology === undefined ? {} : { topology: options.topology }),
      },
    },
    send ?? createFetchSender(options.endpoint),
    { maxBatchSamples, maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE, maxAttempts: 8, now, random: Math.random },
  );
  const connections = new Map<RTCPeerConnection, ObservedConnection>();
  let sampleTimer: ReturnType<typeof setInterval> | undefined;
  let flushTimer: ReturnType<typeof setInterval> | undefined;
  let stopPageHide: (() => void) | undefined;
  let ended = false;
  let pcCounter = 0;

  const reportError = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // The app's own callback failed; nothing more to do.
    }
  };
  const safely = (work: () => unknown): void => {
    try {
      const result = work();
      if (result instanceof Promise) result.catch(reportError);
    } catch (error) {
      reportError(error);
    }
  };

  const sink: ConnectionSink = {
    now,
    error: reportError,
    sample(sample: Sample) {
      reporter.addSample(sample);
      safely(() => options.onSample?.(sample));
      if (reporter.waitingSamples >= maxBatchSamples) safely(() => reporter.flush());
    },
    event(event: ReportEvent) {
      reporter.addEvent(event);
      safely(() => options.onEvent?.(event));
    },
  };

  const sampleAll = async (): Promise<void> => {
    await Promise.all([...connections.values()].map((c) => c.sample()));
  };

  const endSession = async (reason: string, keepalive: boolean): Promise<void> => {
    if (ended) return;
    ended = true;
    if (sampleTimer !== undefined) clearInterval(sampleTimer);
    if (flushTimer !== undefined) clearInterval(flushTimer);
    stopPageHide?.();
    if (!keepalive) await sampleAll();
    for (const connection of connections.values()) connection.dispose();
    sink.event({ ts: now(), type: 'session.end', name: reason });
    await reporter.flush(keepalive);
  };

  return {
    sessionId,
    observe(pc, observeOptions) {
      const existing = connections.get(pc);
      if (existing) return existing.id;
      const id = observeOptions?.id ?? `pc${pcCounter++}`;
      try {
        connections.set(pc, new ObservedConnection(pc, id, sink));
      } catch (error) {
        reportError(error);
      }
      return id;
    },
    async unobserve(pc) {
      const connection = connections.get(pc);
      if (!connection) return;
      await connection.sample();
      connection.dispose();
      connections.delete(pc);
    },
    start() {
      if (sampleTimer !== undefined || ended) return;
      sink.event({ ts: now(), type: 'session.start' });
      sampleTimer = setInterval(() => safely(sampleAll), intervalMs);
      flushTimer = setInterval(() => safely(() => reporter.flush()), flushIntervalMs);
      stopPageHide = onPageHide((why) => {
        if (why === 'pagehide') safely(() => endSession('pagehide', true));
        else safely(() => reporter.flush(true));
      });
    },
    async stop(reason = 'closed') {
      try {
        await endSession(reason, false);
      } catch (error) {
        reportError(error);
      }
    },
    async flush() {
      try {
        await reporter.flush();
      } catch (error) {
        reportError(error);
      }
    },
  };
}
