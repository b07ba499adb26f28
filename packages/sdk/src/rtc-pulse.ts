import type { ConsentState, ReportEvent, Sample } from '@rtcpulse/schema';
import { REPORT_LIMITS } from '@rtcpulse/schema/report-limits';
import {
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BATCH_SAMPLES,
  DEFAULT_MAX_QUEUE,
  DEFAULT_NO_INBOUND_RTP_MS,
  DEFAULT_SAMPLE_INTERVAL_MS,
  LAST_SAMPLE_WAIT_MS,
} from './constants.js';
import { observeConnection, type ObservedConnection } from './observe/observed-connection.js';
import { now, onNetworkChange, onPageHide, pageHidden, randomId, sha256Hex } from './platform/browser.js';
import type { RtcPulseOptions } from './options.js';
import type { RtcPulse } from './rtc-pulse-api.js';
import { degradedTracker } from './session/degraded.js';
import { fit, withoutIps } from './session/app-text.js';
import { errorEvent } from './session/error-event.js';
import { watchTargetBitrate } from './session/target-bitrate.js';
import { createReporter } from './transport/reporter.js';
import { createFetchSender, type SendReport } from './transport/send-report.js';

/**
 * Audit actions and complaint tags are closed lists in the registry; the SDK
 * only checks their shape (the lists would cost bundle bytes) and the
 * collector files any tag it does not know under `other`.
 */
const TAG = /^[a-z][a-z.-]{0,39}$/;

/**
 * Waits for the last samples of `stop()` and `unobserve()`, but at most
 * {@link LAST_SAMPLE_WAIT_MS}: a `getStats()` that never answers must not keep
 * them from ending (and the session's end from being sent).
 */
const lastSamples = (sampling: Promise<unknown> | undefined): Promise<unknown> =>
  Promise.race([sampling, new Promise((done) => setTimeout(done, LAST_SAMPLE_WAIT_MS))]);

/**
 * A numeric option: the app's value when it is a number of at least `min`
 * (held to `max`; by default 2^31 − 1, the longest delay a browser's timer
 * takes: a longer one, `Infinity` too, fires at once, again and again),
 * else the default. Plain JavaScript may pass anything: a
 * string or NaN here once made every report empty and the last flush loop
 * for ever.
 */
const setting = (value: unknown, fallback: number, min: number, max = 2 ** 31 - 1): number =>
  typeof value == 'number' && value >= min ? Math.min(value, max) : fallback;

/**
 * Creates an rtcpulse session for one participant of one call. Never
 * throws: options it cannot read (plain JavaScript: a `Symbol` endpoint, a
 * getter that throws) are told to `onError` and give a session sampled
 * out, which observes and sends nothing.
 *
 * @example
 * const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 'pk_demo', callId: 'room-1', participantId: 'p-1' });
 * pulse.observe(pc);
 * pulse.start();
 */
export const createRtcPulse = (options: RtcPulseOptions, send?: SendReport): RtcPulse => {
  try {
    return createSession(options, send);
  } catch (error) {
    // Values no TypeScript caller can pass (a Symbol endpoint, an id without a prototype, an option getter that throws): the
    // app's onError hears of it, and the app gets a session sampled out, which observes and sends nothing.
    try {
      options.onError?.(error);
    } catch {
      // An onError that throws.
    }
    return createSession({ sampleRate: 0 } as RtcPulseOptions);
  }
};

/** An optional label of the app's (region, topology) as the wire takes it; none for none. */
const label = (value: unknown): string | undefined => (value ? fit(value, 64) : undefined);

const createSession = (options: RtcPulseOptions, send?: SendReport): RtcPulse => {
  // Plain JavaScript may call it without options: a session that the collector refuses (no tenant), not a throw.
  const o = options || ({} as RtcPulseOptions);
  // `pulse.sessionId` is the id stored: an app's own id, cut, is the one to look the session up by.
  const sessionId = fit(o.sessionId ?? randomId());
  // Out-of-range options would make the collector refuse every batch: held to the wire's limits.
  const rate = setting(o.sampleRate, 1, 0, 1);
  const sampled = Math.random() < rate;
  const intervalMs = setting(o.intervalMs, DEFAULT_SAMPLE_INTERVAL_MS, 1);
  const maxBatchSamples = setting(o.maxBatchSamples, DEFAULT_MAX_BATCH_SAMPLES, 1, REPORT_LIMITS.maxSamples);
  const idleTimeoutMs = setting(o.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS, 0);
  // Read here, not in start() or a timer: an option plain JavaScript gives that cannot be read (a getter that throws) fails
  // the creation, and one of another type (a BigInt target) takes its default instead of throwing from a timer.
  const flushIntervalMs = setting(o.flushIntervalMs, DEFAULT_FLUSH_INTERVAL_MS, 1);
  const targetKbps = setting(o.targetBitrateKbps, 0, 0);
  let consent: ConsentState = 'unknown';
  const identity = {
    tenant: fit(o.tenant),
    sessionId,
    callId: fit(o.callId),
    participantId: fit(o.participantId),
    // Browser and OS: the collector reads them from the request's User-Agent header.
    meta: {
      region: label(o.region),
      topology: label(o.topology),
    },
    sampleRate: rate,
    consent: () => consent,
  };
  // Privacy by default: the participant id leaves hashed (or as a random pseudonym), unless the app opts out.
  const ready =
    o.hashIds === false
      ? undefined
      : sha256Hex(`${o.idSalt ?? o.tenant}:${o.participantId}`)
          .catch(() => undefined)
          .then((hash) => (identity.participantId = hash ?? 'anon-' + randomId()));
  // The collector checks the key before it reads the body, from the query: added unless the endpoint has one.
  // The endpoint is otherwise left as given (a fragment, which no endpoint needs, would swallow the key).
  let endpoint = '' + o.endpoint;
  if (!/[?&]key=/.test(endpoint)) endpoint += `${endpoint.includes('?') ? '&' : '?'}key=${encodeURIComponent(identity.tenant)}`;
  const reporter = createReporter(identity, send ?? createFetchSender(endpoint), {
    batchMax: maxBatchSamples,
    // At most the wire's limit on events per report (every waiting event goes in one on the last flush).
    queueMax: setting(o.maxQueue, DEFAULT_MAX_QUEUE, 1, REPORT_LIMITS.maxEvents),
    maxAttempts: 8,
    now,
    draw: Math.random,
    ready,
    // The app learns of the first batch lost or failing so (a wrong endpoint, an option the collector does not take, a
    // custom send that throws; see the reporter). A wrong or revoked key: every later batch would be refused too, so the
    // session ends its work.
    failed(error, key) {
      reportError(error);
      if (key) safely(() => endSession('error'));
    },
  });
  const connections = new Map<RTCPeerConnection, ObservedConnection>();
  const quality = degradedTracker();
  const stoppers: Array<() => void> = [];
  let startedAt = 0;
  let ended: boolean | undefined;
  let sealed: boolean | undefined;
  let pcCounter = 0;
  let lastOnline: number | undefined;
  let downSince: number | undefined;

  const reportError = (error: unknown): void => {
    try {
      o.onError?.(error);
    } catch {
      // The app's own callback failed; nothing more to do.
    }
  };
  const safely = (work: () => unknown): void => {
    try {
      Promise.resolve(work()).catch(reportError);
    } catch (error) {
      reportError(error);
    }
  };
  const record = (event: ReportEvent): void => {
    if (!sampled) return;
    reporter.addEvent(event);
    // After the session's last batch (post-call feedback, a late audit event) no timer flushes any more: send now.
    if (sealed) safely(() => reporter.flush());
    safely(() => o.onEvent?.(event));
  };
  const emit = (event: Omit<ReportEvent, 'ts'>): void => record({ ...event, ts: now() });
  const audit = (action: string): void => {
    // As text: `null` passes the pattern as "null" and must not go as null.
    if (TAG.test(action)) emit({ type: 'audit', name: String(action), state: consent });
  };
  const callFailed = (error: unknown, stage: string, pc?: string): void => emit({ ...errorEvent(error, stage), pc });

  let closedAny: boolean | undefined;
  // A closed connection is not sampled again: it reports pc.closed and is let go.
  const sampleAll = (): Promise<unknown> =>
    Promise.all(
      [...connections].map(([pc, c]) => (pc.signalingState == 'closed' ? (c.dispose(), connections.delete(pc), (closedAny = true)) : c.sample())),
    );

  const endSession = async (reason: string, unloading?: boolean): Promise<void> => {
    if (ended) return;
    ended = true;
    stoppers.splice(0).forEach((stop) => stop());
    if (!unloading) await lastSamples(sampleAll());
    connections.forEach((c) => c.dispose());
    if (startedAt) {
      audit('leave');
      const q = quality.result();
      if (q) emit({ type: 'session.quality', ...q });
      emit({ type: 'session.end', name: reason, value: Math.round((now() - startedAt) / 60) / 1000 });
    }
    sealed = true;
    // The last chance to send: ignore any retry backoff, let the request outlive the page.
    await reporter.flush(true);
  };

  /**
   * Runbook entry 10: ends the session when every connection closed, or none
   * has been connected for the idle timeout. A connection still `new` (not
   * negotiated yet: a lobby, a pre-created connection) keeps it open.
   */
  const checkIdle = (): void => {
    const states: string[] = [...connections.keys()].map((pc) => pc.connectionState);
    if (!states.length && closedAny) states.push('closed');
    if (!states.length || states.includes('connected') || states.includes('new')) return void (downSince = undefined);
    const t = now();
    downSince ??= t;
    const allClosed = states.every((s) => s == 'closed');
    if ((allClosed && t > downSince) || (idleTimeoutMs && t - downSince >= idleTimeoutMs)) {
      safely(() => endSession(allClosed ? 'closed' : states.includes('failed') ? 'error' : 'timeout'));
    }
  };

  const sink = {
    now,
    error: reportError,
    callFailed,
    lastOnline: () => lastOnline,
    noInboundMs: o.noInboundRtpAfterMs ?? DEFAULT_NO_INBOUND_RTP_MS,
    event: record,
    sample(sample: Sample) {
      quality.take(sample);
      const waiting = reporter.addSample(sample);
      safely(() => o.onSample?.(sample));
      if (waiting >= maxBatchSamples) safely(() => reporter.flush());
    },
  };

  // Listened to from the session's creation, not its start: listeners of one event run in the order they were added, and an
  // app's own pagehide handler that calls stop() (the page still says `visible` then, so stop() would wait for a last
  // getStats() that never answers) is added after the session exists, so this one sends the end first. Before start() it
  // does nothing, as before: a page put in the back/forward cache and restored can still start its session. A session
  // sampled out never starts: it adds no listener.
  if (sampled) stoppers.push(onPageHide((why) => safely(() => startedAt && (why == 'hidden' ? reporter.flush(why) : endSession(why, true)))));

  return {
    sessionId,
    sampled,
    observe(pc, observeOptions) {
      try {
        // getStats() alone is no connection: a sender or a receiver has one too, and would report a connection that is none.
        if (typeof pc?.getStats != 'function' || typeof pc.getTransceivers != 'function') throw Error('observe: no peer connection');
        const id = connections.get(pc)?.id ?? fit(observeOptions?.id ?? `pc${pcCounter++}`);
        if (sampled && !ended && !connections.has(pc)) connections.set(pc, observeConnection(pc, id, sink));
        return id;
      } catch (error) {
        reportError(error);
        return '';
      }
    },
    async unobserve(pc) {
      const connection = connections.get(pc);
      connections.delete(pc);
      await lastSamples(connection?.sample());
      connection?.dispose();
    },
    start() {
      if (startedAt || ended || !sampled) return;
      startedAt = now();
      emit({ type: 'session.start' });
      audit('join');
      const sampleTimer = setInterval(() => safely(() => sampleAll().then(checkIdle)), intervalMs);
      const flushTimer = setInterval(() => safely(() => reporter.flush()), flushIntervalMs);
      stoppers.push(
        () => clearInterval(sampleTimer),
        () => clearInterval(flushTimer),
        watchTargetBitrate(() => connections.keys(), emit, now, targetKbps),
        onNetworkChange((state) => {
          emit({ type: 'network', state });
          if (state == 'online') {
            lastOnline = now();
            // (Read inside `safely`: a getter that throws goes to onError, not out of the browser's event.)
            connections.forEach((c) => safely(() => o.restartIceOnOnline && c.recover()));
          }
        }),
      );
    },
    // A stop() on a hidden page (an app's own pagehide handler, a tab in the background) takes no last samples: the page may
    // be going away, and a getStats() then never answers, which would keep the session's end from being sent at all.
    stop: (reason = 'closed') => endSession(fit(reason, 64), pageHidden()).catch(reportError),
    flush: () => reporter.flush().catch(reportError),
    reportError(error, stage) {
      // Without a stage (plain JavaScript), `test()` would take undefined for the word "undefined".
      safely(() => callFailed(error, stage && /^\w{1,40}$/.test(stage) ? String(stage) : 'app'));
    },
    audit(action) {
      safely(() => audit(action));
    },
    setConsent(granted) {
      consent = granted === true ? 'granted' : 'withdrawn';
      safely(() => audit('recording.consent.' + consent));
    },
    reportAvOffset(offsetMs) {
      // Only a finite number minus itself is 0 (a Symbol, or a value whose valueOf throws, throws: inside `safely`).
      safely(() => offsetMs - offsetMs === 0 && emit({ type: 'av.offset', value: Math.abs(offsetMs), state: offsetMs < 0 ? 'hls_ahead' : 'webrtc_ahead' }));
    },
    async feedback(rating, complaints = [], details) {
      safely(() => {
        emit({ type: 'feedback', value: Math.min(5, Math.max(1, Math.round(rating))) || undefined, message: details ? withoutIps(details, 500) : undefined });
        // One complaint given as a string (plain JavaScript) is one tag, not one per character; null or false is none; a Set
        // or another iterable gives its tags (not an array-like: a huge `length` would be walked); anything else (true, a
        // number, an object) is the engine's TypeError to onError, after the rating went. An empty, null or false tag
        // (`[heardEcho && 'echo']`) is none either, and does not count towards the 16.
        [...(typeof complaints == 'string' ? [complaints] : complaints || [])]
          .filter((tag) => tag)
          .slice(0, 16)
          .forEach((tag) => emit({ type: 'feedback.complaint', name: TAG.test(tag) ? String(tag) : 'other' }));
      });
      await reporter.flush().catch(reportError);
    },
  };
};
