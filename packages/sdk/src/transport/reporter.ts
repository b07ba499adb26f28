import type { ClientMeta, ReportBatch, ReportEvent, Sample } from '@rtcpulse/schema';
import { REPORT_LIMITS } from '@rtcpulse/schema/report-limits';
import { KEEPALIVE_BODY_LIMIT, KEEPALIVE_EVENTS_RESERVE, SDK_VERSION } from '../constants.js';
import { backoffDelay } from './backoff.js';
import type { SendOutcome, SendReport } from './send-report.js';

/**
 * Identity stamped on every report of a session. Every field goes into each
 * batch as it is when the batch is built (so give it no other fields), except
 * `consent`, which is called for the state to send.
 */
export interface ReportIdentity {
  tenant: string;
  sessionId: string;
  callId: string;
  participantId: string;
  meta: ClientMeta;
  /** Share of sessions sampled, stamped on every batch when set. */
  sampleRate?: number;
  /** The session's recording consent state when a batch is built. */
  consent?: () => string;
}

export interface ReporterSettings {
  batchMax: number;
  /** Samples, and separately events, held at most; the oldest are dropped and counted. */
  queueMax: number;
  maxAttempts: number;
  now: () => number;
  /** A random number in [0, 1) for the backoff's jitter (`Math.random`; fixed in tests). */
  draw: () => number;
  /** Settles when the identity is final (the participant id hashed); nothing is sent before. */
  ready?: Promise<unknown>;
  /**
   * Called with an Error naming the status (`report refused: HTTP 404`)
   * when the collector first refuses a batch for good (a status that is
   * not worth a retry: 400, 404, 413, …), and when it refuses the key
   * (`key refused: HTTP 401`, 401 or 403, `key` true); the batches so
   * refused are lost and counted. After a refused key every later batch
   * would be refused too, so the reporter then drops what it holds and
   * takes and sends nothing more (and is not called again). Called with
   * what `send` threw when it throws or rejects, and with `send: no
   * outcome` when it resolves with anything but an object with a boolean
   * `ok` (both then retried with backoff). Besides a refused key, only the
   * first refusal and the first such failure of a session are told. An
   * outcome without a status (no request was made, as without `fetch`) is
   * counted only.
   */
  failed?: (error: unknown, key: boolean) => void;
}

/** Queues samples and events and delivers them as report batches. */
export interface Reporter {
  /** Queues a sample; returns how many samples wait now (0 once the key was refused: nothing is queued any more). */
  addSample(sample: Sample): number;
  addEvent(event: ReportEvent): void;
  /**
   * Sends what is waiting when the flush starts: first a batch due for its
   * retry, then the waiting samples in batches of at most `batchMax`
   * (the waiting events ride in the first), one request at a time. What is
   * added while its requests are open waits for the next flush, so one
   * flush is one request where one will do. A flush asked for while another
   * runs starts when that one ends, with what waits then; its promise
   * settles after both. Flushes asked for before that one starts are that
   * same flush (the same promise). With `keepalive` (the session's end,
   * the page hiding or unloading) it sends at once, ignoring backoff and without waiting for
   * any answer in between, what may outlive the page: the events (the
   * session's end among them) first in a batch of their own, then the
   * samples while their batches fit the browser's keepalive quota less the
   * reserve left to batches without samples (and the first that does not,
   * without keepalive), then the samples left in
   * batches of up to 600 (one or two requests instead of one per
   * `batchMax`: no long task), then a batch waiting for its retry.
   * `'hidden'` (the page only hidden: it may come back) is the same, except
   * that while a batch waits out its backoff nothing is sent: the collector
   * asked for the wait (a `Retry-After`, or failures), and a burst then
   * would most likely be refused and cost what it carried.
   */
  flush(keepalive?: boolean | 'hidden'): Promise<void>;
}

/**
 * A bounded queue that turns samples and events into report batches and
 * delivers them one request at a time (see {@link Reporter.flush}). When
 * the queue is full the oldest item is dropped and counted; the counts
 * travel in the next batch. A batch that fails with a retryable outcome is
 * kept as it is (same `batchSeq`, so the collector can store it once) and
 * retried when its backoff ends (by a timer of its own, so also after the
 * session's end, when no flush timer runs); after
 * `maxAttempts`, or on a final failure, it is dropped and what was lost is
 * counted.
 */
export const createReporter = (identity: ReportIdentity, send: SendReport, settings: ReporterSettings): Reporter => {
  const { now, queueMax } = settings;
  const samples: Sample[] = [];
  let events: ReportEvent[] = [];
  let dropped = { samples: 0, events: 0 };
  let pending: { batch: ReportBatch; attempts: number; notBefore: number } | undefined;
  let batchSeq = 0;
  let inFlight: Promise<void> | undefined;
  // Bytes of keepalive requests not answered yet: the browser caps their sum.
  let keptAlive = 0;
  // Bytes the last request took of it (0: it went without keepalive).
  let lastKept = 0;
  let refused: boolean | undefined;
  let told = 0;
  let threw = 0;
  let retryTimer: unknown;
  /** Set by a send of everything (stop, pagehide, hidden): the drain after it may send drop counts alone, once. */
  let sentAll = 0;

  const nextBatch = (maxSamples = settings.batchMax): ReportBatch => {
    const batch: ReportBatch = {
      v: 1,
      sdkVersion: SDK_VERSION,
      // The ids, `meta` and `sampleRate` as the identity holds them now (the participant id once hashed).
      ...identity,
      batchSeq: batchSeq++,
      sentAt: now(),
      dropped,
      consent: identity.consent?.(),
      samples: samples.splice(0, maxSamples),
      events,
    };
    events = [];
    dropped = { samples: 0, events: 0 };
    return batch;
  };

  /** Events and drop counts waiting to be sent. */
  const waiting = (): number => events.length + dropped.events + dropped.samples;

  const lost = (batch: ReportBatch): void => {
    dropped.samples += batch.samples.length + batch.dropped.samples;
    dropped.events += batch.events.length + batch.dropped.events;
  };

  const post = (batch: ReportBatch, keepalive?: boolean): Promise<SendOutcome> => {
    batch.sentAt = now();
    const body = JSON.stringify(batch);
    const bytes = keepalive ? new TextEncoder().encode(body).length : Infinity;
    // Batches with samples leave the reserve to those without (see KEEPALIVE_EVENTS_RESERVE).
    const kept = keptAlive + bytes <= KEEPALIVE_BODY_LIMIT - (batch.samples.length && KEEPALIVE_EVENTS_RESERVE) ? bytes : 0;
    keptAlive += lastKept = kept;
    return (async () => send(body, kept > 0))()
      .then((outcome) => {
        // Nothing, or anything without a boolean `ok` (`true` from a sendBeacon, a status number): no outcome, a failure of the send.
        if (typeof outcome?.ok != 'boolean') throw Error('send: no outcome');
        if (!outcome.ok && !outcome.retryable && outcome.status && !refused) {
          if ((refused = outcome.status === 401 || outcome.status === 403)) samples.length = events.length = 0;
          // Any other refusal is told once: an app whose onError records an event (reportError, audit) would otherwise
          // keep a refused request going for each one, without end once the session has ended and every event goes at once.
          if (refused || !told++) settings.failed?.(Error(`${refused ? 'key' : 'report'} refused: HTTP ${outcome.status}`), refused);
        }
        return outcome;
      })
      // A custom `send` that throws, rejects or resolves without an outcome is a retryable failure: it waits out its backoff
      // like any other (before, the batch went again on every flush). The first of a session is told (what it threw), apart
      // from the first refusal, so that neither hides the other; nothing is told after a refused key.
      .catch((error: unknown): SendOutcome => {
        if (!refused && !threw++) settings.failed?.(error, false);
        return { ok: false, retryable: true };
      })
      .finally(() => (keptAlive -= kept));
  };

  // One request where one will do: a flush sends the batches that what waits when it starts needs
  // (after the batch due for its retry) and leaves what arrives during its requests for the next
  // flush; the last batch may fill up with it, at no extra request. Every pass returns, or clears
  // `pending` and so counts down `batches`: the loop ends.
  const drain = async (): Promise<void> => {
    // Right after a send of everything, or behind a batch waiting for its retry, drop counts alone make a batch too:
    // after stop() no other may come to carry those of a final send that failed. Not otherwise: a batch of counts alone
    // that failed for good would go again on every flush.
    let batches = Math.ceil(samples.length / settings.batchMax) || +!!(pending || sentAll ? waiting() : events.length);
    sentAll = 0;
    while (!refused) {
      if (!pending) {
        if (batches-- < 1) return;
        pending = { batch: nextBatch(), attempts: 0, notBefore: 0 };
      }
      const p = pending;
      // Waiting out its backoff: retried when the wait ends, whether or not a flush comes then (after
      // the session's end no timer flushes, and its last batches and post-call feedback would wait).
      if (p.notBefore > now()) {
        // (The timer is forgotten as its flush starts: `flush(undefined)` is a plain flush.)
        retryTimer ??= setTimeout(() => flush((retryTimer = undefined)), p.notBefore - now());
        return;
      }
      const outcome = await post(p.batch);
      // Taken over meanwhile by a keepalive flush, which sent it again.
      if (pending !== p) return;
      if (!outcome.ok && outcome.retryable && ++p.attempts < settings.maxAttempts) {
        p.notBefore = now() + backoffDelay(p.attempts, settings.draw, outcome.retryAfterMs);
        continue;
      }
      if (!outcome.ok) lost(p.batch);
      pending = undefined;
    }
  };

  const sendAll = async (hidden: boolean): Promise<void> => {
    await settings.ready;
    if (refused || (hidden && pending && pending.notBefore > now())) return;
    const sent = new Map<ReportBatch, Promise<SendOutcome>>();
    const go = (batch: ReportBatch): unknown => sent.set(batch, post(batch, true));
    if (waiting()) go(nextBatch(0));
    // The samples in batches while the keepalive allowance takes them (and the first it does not), then what is left in
    // batches of up to 600 samples (the wire's limit): one or two requests, where one per maxBatchSamples made 30 in one task
    // after an outage (60-140 ms). All at once: on an unload there is no later chance.
    for (lastKept = 1; samples.length; ) go(nextBatch(lastKept ? undefined : REPORT_LIMITS.maxSamples));
    if (pending) go(pending.batch);
    pending = undefined;
    for (const [batch, answer] of sent) {
      const outcome = await answer;
      // Still here (the page was only hidden): one batch waits for its retry, the others count as lost.
      if (!outcome.ok && outcome.retryable && !pending) pending = { batch, attempts: 1, notBefore: now() + backoffDelay(1, settings.draw, outcome.retryAfterMs) };
      else if (!outcome.ok) lost(batch);
    }
    // A batch left waiting for its retry gets its timer; drop counts of batches lost for good go now.
    sentAll = 1;
    void flush();
  };

  // Flushes run one after another, never two at once: one asked for while another runs starts when
  // that one ends, with what waits then; asked for again before it starts, it is the same flush (a
  // collector answering slowly does not pile up a flush per sample). The first waits for the identity.
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => ((queued = undefined), drain());
  const flush = (keepalive: boolean | 'hidden' = false): Promise<void> =>
    keepalive ? sendAll(keepalive == 'hidden') : (queued ??= inFlight = Promise.resolve(inFlight ?? settings.ready).then(start, start));

  const bounded = <T>(list: T[], item: T, kind: 'samples' | 'events'): number => {
    if (!refused && list.push(item) > queueMax) {
      list.shift();
      dropped[kind]++;
    }
    return list.length;
  };

  return {
    addSample: (sample) => bounded(samples, sample, 'samples'),
    addEvent: (event) => bounded(events, event, 'events'),
    flush,
  };
};
