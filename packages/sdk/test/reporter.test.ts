import type { ReportBatch, Sample } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { createReporter } from '../src/transport/reporter.js';
import type { SendOutcome } from '../src/transport/send-report.js';
import { backoffDelay } from '../src/transport/backoff.js';

const identity = {
  tenant: 't',
  sessionId: 's',
  callId: 'c',
  participantId: 'p',
  meta: { browser: 'chrome', os: 'linux' },
};

function sample(seq: number): Sample {
  return { pc: 'pc0', seq, ts: 1000 + seq * 2000, dur: 2000, conn: { rtt_ms: 10 }, streams: {}, labels: {} };
}

/** A scripted collector: answers each POST with the next outcome, records bodies. */
function scriptedSend(outcomes: SendOutcome[]) {
  const bodies: ReportBatch[] = [];
  const keepalives: boolean[] = [];
  const send = (body: string, keepalive: boolean): Promise<SendOutcome> => {
    bodies.push(JSON.parse(body) as ReportBatch);
    keepalives.push(keepalive);
    return Promise.resolve(outcomes.shift() ?? { ok: true });
  };
  return { send, bodies, keepalives };
}

/** The status an Error from the reporter's `failed` names (`report refused: HTTP 404`), NaN for any other error. */
const statusOf = (error: unknown): number => Number(/HTTP (\d+)$/.exec(String(error))?.[1]);

function reporter(send: ReturnType<typeof scriptedSend>['send'], clock: { t: number }, maxQueue = 50, refusals: number[] = []) {
  return createReporter(identity, send, {
    batchMax: 3,
    queueMax: maxQueue,
    maxAttempts: 3,
    now: () => clock.t,
    draw: () => 0.5,
    failed: (error) => refusals.push(statusOf(error)),
  });
}

describe('Reporter', () => {
  it('sends samples in batches with increasing batchSeq', async () => {
    const clock = { t: 0 };
    const collector = scriptedSend([]);
    const r = reporter(collector.send, clock);
    for (let i = 0; i < 7; i++) r.addSample(sample(i));
    r.addEvent({ ts: 1, type: 'session.start' });
    await r.flush();
    expect(collector.bodies.map((b) => b.samples.length)).toEqual([3, 3, 1]);
    expect(collector.bodies.map((b) => b.batchSeq)).toEqual([0, 1, 2]);
    expect(collector.bodies[0]?.events).toHaveLength(1);
  });

  it('retries a retryable failure with the same batch after a backoff, and honours Retry-After (a retry is no refusal)', async () => {
    const clock = { t: 0 };
    const collector = scriptedSend([{ ok: false, retryable: true, status: 503, retryAfterMs: 30_000 }]);
    const refusals: number[] = [];
    const r = reporter(collector.send, clock, 50, refusals);
    r.addSample(sample(0));
    await r.flush();
    await r.flush(); // still inside the backoff: nothing sent
    expect(collector.bodies).toHaveLength(1);
    clock.t = 29_000;
    await r.flush();
    expect(collector.bodies).toHaveLength(1);
    clock.t = 30_001;
    await r.flush();
    expect(collector.bodies).toHaveLength(2);
    expect(collector.bodies[1]?.batchSeq).toBe(collector.bodies[0]?.batchSeq);
    expect(collector.bodies[1]?.samples).toEqual(collector.bodies[0]?.samples);
    expect(refusals).toEqual([]);
  });

  it('sends nothing when the page is hidden while a batch waits out a Retry-After, and everything when the page ends', async () => {
    const clock = { t: 0 };
    const collector = scriptedSend([{ ok: false, retryable: true, status: 429, retryAfterMs: 60_000 }]);
    const r = reporter(collector.send, clock);
    r.addSample(sample(0));
    await r.flush();
    for (let i = 1; i <= 5; i++) r.addSample(sample(i));
    r.addEvent({ ts: 1, type: 'network', state: 'offline' });
    clock.t = 10_000;
    // Tab switches during the wait: no burst, nothing dropped.
    await r.flush('hidden');
    await r.flush('hidden');
    expect(collector.bodies).toHaveLength(1);
    // The page ends: the last chance, so everything goes at once, the waiting batch included.
    await r.flush(true);
    expect(collector.bodies.slice(1).map((b) => b.samples.length)).toEqual([0, 3, 2, 1]);
    expect(collector.bodies.slice(1).flatMap((b) => b.samples).map((s) => s.seq).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(collector.bodies.slice(1).flatMap((b) => b.dropped.samples)).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ['a hidden page', 'hidden'],
    ['stop() or an unload', true],
  ] as const)('%s: sends at once the batches the keepalive allowance takes (and the first it does not), then what is left in reports of up to 600 samples', async (_, mode) => {
    const bodies: ReportBatch[] = [];
    const keepalives: boolean[] = [];
    const answers: Array<() => void> = [];
    const send = (body: string, keepalive: boolean): Promise<SendOutcome> => {
      bodies.push(JSON.parse(body) as ReportBatch);
      keepalives.push(keepalive);
      return new Promise((resolve) => answers.push(() => resolve({ ok: true })));
    };
    const r = createReporter(identity, send, { batchMax: 2, queueMax: 1000, maxAttempts: 3, now: () => 0, draw: () => 0.5 });
    // 20 samples of about 5 kB (10 batches of about 10 kB, 4 of which fit the 52,000 bytes of keepalive bodies the allowance
    // leaves batches with samples), then 700 small ones.
    for (let i = 0; i < 20; i++) r.addSample({ ...sample(i), labels: { network_type: 'x'.repeat(5000) } });
    for (let i = 20; i < 720; i++) r.addSample(sample(i));
    r.addEvent({ ts: 1, type: 'session.end', name: 'closed' });
    let settled = false;
    const flushed = r.flush(mode).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Everything in one go, the events first; before, one request per 2 samples: 30 requests in one task took 60-140 ms
    // after an outage. (Only 5 of those 360 would have gone with keepalive.)
    expect(bodies.map((b) => b.samples.length)).toEqual([0, 2, 2, 2, 2, 2, 600, 110]);
    expect(keepalives).toEqual([true, true, true, true, true, false, false, false]);
    expect(settled).toBe(false);
    answers.splice(0).forEach((answer) => answer());
    await flushed;
    expect(bodies).toHaveLength(8);
    expect(bodies.flatMap((b) => b.samples.map((x) => x.seq))).toEqual([...Array(720).keys()]);
  });

  it('gives up on a final 4xx and reports the loss in the next batch', async () => {
    const clock = { t: 0 };
    const collector = scriptedSend([{ ok: false, retryable: false, status: 400 }]);
    const r = reporter(collector.send, clock);
    r.addSample(sample(0));
    r.addSample(sample(1));
    await r.flush();
    r.addSample(sample(2));
    await r.flush();
    expect(collector.bodies).toHaveLength(2);
    expect(collector.bodies[1]?.dropped).toEqual({ samples: 2, events: 0 });
  });

  it.each([401, 403])('stops for good once the collector refuses the key (%i): nothing more is queued or sent', async (status) => {
    const clock = { t: 0 };
    const collector = scriptedSend([{ ok: false, retryable: false, status }]);
    const refusals: Array<number | undefined> = [];
    const r = createReporter(identity, collector.send, {
      batchMax: 3, queueMax: 50, maxAttempts: 3, now: () => clock.t, draw: () => 0.5,
      failed: (e) => refusals.push(statusOf(e)),
    });
    for (let i = 0; i < 5; i++) r.addSample(sample(i));
    await r.flush();
    expect(collector.bodies).toHaveLength(1); // the rest of the queue was dropped, not posted into the same refusal
    expect(refusals).toEqual([status]);
    expect(r.addSample(sample(5))).toBe(0);
    r.addEvent({ ts: 2, type: 'session.end', name: 'closed' });
    await r.flush();
    await r.flush(true);
    expect(collector.bodies).toHaveLength(1);
    expect(refusals).toEqual([status]);
  });

  it('keeps sending after a refusal of one batch that is not about the key (400, 413), and tells of the first; a refused key still', async () => {
    const clock = { t: 0 };
    const collector = scriptedSend([
      { ok: false, retryable: false, status: 400 }, { ok: false, retryable: false, status: 413 }, { ok: true }, { ok: false, retryable: false, status: 401 },
    ]);
    const refusals: Array<[number | undefined, boolean]> = [];
    const r = createReporter(identity, collector.send, {
      batchMax: 1, queueMax: 50, maxAttempts: 3, now: () => clock.t, draw: () => 0.5,
      failed: (e, key) => refusals.push([statusOf(e), key]),
    });
    for (let i = 0; i < 3; i++) r.addSample(sample(i));
    await r.flush();
    expect(collector.bodies).toHaveLength(3);
    expect(refusals).toEqual([[400, false]]);
    // The refused batches are lost, and counted in the next one.
    expect(collector.bodies[2]?.dropped).toEqual({ samples: 2, events: 0 });
    r.addSample(sample(3));
    await r.flush();
    expect(refusals).toEqual([[400, false], [401, true]]);
    // And that one stops it for good: nothing more is queued, sent or told.
    expect(r.addSample(sample(4))).toBe(0);
    await r.flush();
    await r.flush(true);
    expect(collector.bodies).toHaveLength(4);
    expect(refusals).toHaveLength(2);
  });

  it('counts a final failure without a status (a custom send\'s outcome without one) as lost, and tells nobody', async () => {
    const clock = { t: 0 };
    const collector = scriptedSend([{ ok: false, retryable: false }]);
    const refusals: number[] = [];
    const r = reporter(collector.send, clock, 50, refusals);
    r.addSample(sample(0));
    await r.flush();
    r.addSample(sample(1));
    await r.flush();
    expect(refusals).toEqual([]);
    expect(collector.bodies).toHaveLength(2);
    expect(collector.bodies[1]?.dropped).toEqual({ samples: 1, events: 0 });
  });

  it('takes a send that rejects or throws for a retryable failure: it waits out its backoff, then is dropped and counted', async () => {
    const clock = { t: 0 };
    const told: unknown[] = [];
    const delivered: ReportBatch[] = [];
    // A bare fetch while the collector is down rejects; a transport with a bug throws before it returns.
    const failures: Array<() => Promise<SendOutcome>> = [
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => {
        throw new Error('transport bug');
      },
      () => Promise.reject(new TypeError('Failed to fetch')),
    ];
    let attempts = 0;
    const send = (body: string): Promise<SendOutcome> => {
      attempts++;
      const fail = failures.shift();
      if (fail) return fail();
      delivered.push(JSON.parse(body) as ReportBatch);
      return Promise.resolve({ ok: true });
    };
    const r = createReporter(identity, send, { batchMax: 3, queueMax: 50, maxAttempts: 3, now: () => clock.t, draw: () => 0.5, failed: (e) => told.push(e) });
    r.addSample(sample(0));
    await r.flush();
    expect(attempts).toBe(1);
    // Flushes inside the backoff send nothing (a rejection once sent the batch again on each of them).
    for (let i = 0; i < 5; i++) await r.flush();
    expect(attempts).toBe(1);
    clock.t += 600_000;
    await r.flush();
    expect(attempts).toBe(2);
    await r.flush();
    expect(attempts).toBe(2);
    clock.t += 600_000;
    await r.flush();
    // maxAttempts 3: the third failure drops the batch, and the next one counts it.
    expect(attempts).toBe(3);
    r.addSample(sample(1));
    await r.flush();
    expect(attempts).toBe(4);
    expect(delivered.map((b) => [b.samples.map((x) => x.seq), b.dropped])).toEqual([[[1], { samples: 1, events: 0 }]]);
    // The app hears of the first failure of the session, as it was thrown (its own bug, or the network); not of each.
    expect(told.map(String)).toEqual(['TypeError: Failed to fetch']);
  });

  it.each([
    ['nothing (an async send that forgot its return)', undefined],
    ['true (a sendBeacon)', true],
    ['a status number', 200],
  ])('takes a send that resolves with %s for a retryable failure, told once as no outcome', async (_, value) => {
    const clock = { t: 0 };
    const told: Array<[string, boolean]> = [];
    let attempts = 0;
    const send = (() => (attempts++, Promise.resolve(value))) as unknown as (body: string) => Promise<SendOutcome>;
    const r = createReporter(identity, send, {
      batchMax: 3, queueMax: 50, maxAttempts: 3, now: () => clock.t, draw: () => 0.5, failed: (e, key) => told.push([String(e), key]),
    });
    r.addSample(sample(0));
    await r.flush();
    for (let i = 0; i < 5; i++) await r.flush();
    // One request, then the backoff: before, every flush sent the batch again (or, for true, lost it with no word).
    expect(attempts).toBe(1);
    clock.t += 600_000;
    await r.flush();
    expect(attempts).toBe(2);
    expect(told).toEqual([['Error: send: no outcome', false]]);
  });

  it('tells the first send failure and the first refusal apart, neither as a refused key; after a refused key nothing more', async () => {
    const clock = { t: 0 };
    const told: Array<[string, boolean]> = [];
    const outcomes: Array<() => Promise<SendOutcome>> = [
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => Promise.resolve({ ok: false, retryable: false, status: 404 }),
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => Promise.resolve({ ok: false, retryable: false, status: 401 }),
      () => Promise.reject(new TypeError('Failed to fetch')),
    ];
    const send = (): Promise<SendOutcome> => outcomes.shift()?.() ?? Promise.resolve({ ok: true });
    const r = createReporter(identity, send, {
      batchMax: 1, queueMax: 50, maxAttempts: 3, now: () => clock.t, draw: () => 0.5, failed: (e, key) => told.push([String(e), key]),
    });
    r.addSample(sample(0));
    await r.flush(); // rejected: kept for a retry
    r.addSample(sample(1));
    clock.t += 600_000;
    await r.flush(); // the retry: 404, lost; then sample 1: rejected again, kept
    clock.t += 600_000;
    r.addSample(sample(2));
    // The last flush sends everything at once: the kept batch and sample 2, one of them refused as a key, then a rejection.
    await r.flush(true);
    await r.flush(true);
    expect(told).toEqual([
      ['TypeError: Failed to fetch', false],
      ['Error: report refused: HTTP 404', false],
      ['Error: key refused: HTTP 401', true],
    ]);
    // A key refused first, then a failure in the same last burst: the app hears of the key only.
    const burst: Array<() => Promise<SendOutcome>> = [
      () => Promise.resolve({ ok: false, retryable: false, status: 401 }),
      () => Promise.reject(new TypeError('Failed to fetch')),
    ];
    const afterKey: Array<[string, boolean]> = [];
    const r2 = createReporter(identity, () => burst.shift()?.() ?? Promise.resolve({ ok: true }), {
      batchMax: 1, queueMax: 50, maxAttempts: 3, now: () => clock.t, draw: () => 0.5, failed: (e, key) => afterKey.push([String(e), key]),
    });
    r2.addSample(sample(0));
    r2.addSample(sample(1));
    await r2.flush(true);
    expect(burst).toEqual([]);
    expect(afterKey).toEqual([['Error: key refused: HTTP 401', true]]);
  });

  it('stays bounded while the collector is down and counts every drop', async () => {
    const clock = { t: 0 };
    const down: SendOutcome = { ok: false, retryable: true };
    const outcomes = Array.from({ length: 1000 }, () => down);
    const collector = scriptedSend(outcomes);
    const r = reporter(collector.send, clock, 10);
    let mostWaiting = 0;
    for (let i = 0; i < 100; i++) {
      mostWaiting = Math.max(mostWaiting, r.addSample(sample(i)));
      clock.t += 2000;
      await r.flush();
    }
    expect(mostWaiting).toBeLessThanOrEqual(10);
    // The collector recovers: every sample is then either delivered or counted as dropped.
    outcomes.length = 0;
    const failedAttempts = collector.bodies.length;
    clock.t += 10 * 60_000;
    await r.flush();
    const recovered = collector.bodies.slice(failedAttempts);
    const delivered = new Set(recovered.flatMap((b) => b.samples.map((s) => s.seq)));
    const dropped = recovered.reduce((n, b) => n + b.dropped.samples, 0);
    expect(delivered.size + dropped).toBe(100);
  });

  it('uses keepalive only while the bodies fit the browser quota, counted in UTF-8 bytes', async () => {
    const clock = { t: 0 };
    const collector = scriptedSend([]);
    const r = reporter(collector.send, clock);
    r.addSample(sample(0));
    await r.flush(true);
    expect(collector.keepalives).toEqual([true]);
    // 46 events of 450 three-byte characters: 20,700 UTF-16 units but 62,100 bytes, over the 60,000-byte quota.
    for (let i = 0; i < 46; i++) r.addEvent({ ts: 1, type: 'feedback', message: '测'.repeat(450) });
    await r.flush(true);
    expect(collector.keepalives.slice(1)).toEqual([false]);
  });
});

describe('the last flush, when the page hides or unloads', () => {
  const endEvent = { ts: 2, type: 'session.end', name: 'pagehide' } as const;

  it('does not wait behind a request that was never answered', async () => {
    const sent: ReportBatch[] = [];
    const keepalives: boolean[] = [];
    // The first request never gets an answer (the page is going away, or the collector hangs).
    const send = (body: string, keepalive: boolean): Promise<SendOutcome> => {
      sent.push(JSON.parse(body) as ReportBatch);
      keepalives.push(keepalive);
      return sent.length === 1 ? new Promise<SendOutcome>(() => undefined) : Promise.resolve({ ok: true });
    };
    const r = reporter(send, { t: 0 });
    r.addSample(sample(0));
    void r.flush(); // the interval flush, in flight
    await Promise.resolve();
    r.addEvent(endEvent);
    void r.flush(true);
    for (let i = 0; i < 5; i++) await Promise.resolve(); // microtasks only: what a page gets after pagehide
    expect(sent.map((b) => b.events.map((e) => e.type))).toEqual([[], ['session.end'], []]);
    // The end goes first with keepalive, then the batch that was in flight again (same batchSeq: stored once).
    expect(sent[2]?.batchSeq).toBe(sent[0]?.batchSeq);
    expect(keepalives).toEqual([false, true, true]);
  });

  it('sends the end with keepalive when the samples of an earlier hide are still in flight and took the allowance', async () => {
    // Over a range of sample sizes: which backlogs left the end too few bytes before the reserve depends on the exact size (the
    // old reporter failed at 27 of 1,501 sizes, in windows a few bytes wide), so one size alone proves little.
    const failures: number[] = [];
    const overReserve: number[] = [];
    for (let size = 300; size <= 1800; size += 3) {
      const sent: ReportBatch[] = [];
      const keepalives: boolean[] = [];
      // The collector has not answered yet (a slow network as the tab closes).
      const send = (body: string, keepalive: boolean): Promise<SendOutcome> => {
        sent.push(JSON.parse(body) as ReportBatch);
        keepalives.push(keepalive);
        return new Promise<SendOutcome>(() => undefined);
      };
      const r = createReporter(identity, send, { batchMax: 10, queueMax: 1000, maxAttempts: 3, now: () => 0, draw: () => 0.5 });
      // A backlog of 100 samples: the hide sends them all at once.
      for (let i = 0; i < 100; i++) r.addSample({ ...sample(i), labels: { network_type: 'x'.repeat(size) } });
      void r.flush('hidden');
      await Promise.resolve();
      expect(keepalives.filter(Boolean).length).toBeGreaterThan(0);
      // What the hide kept alive stays within the allowance less the reserve.
      if (sent.reduce((n, b, i) => n + (keepalives[i] ? JSON.stringify(b).length : 0), 0) > 60_000 - 8_000) overReserve.push(size);
      // Then the tab closes: the end goes first, and still with keepalive.
      r.addEvent(endEvent);
      void r.flush(true);
      await Promise.resolve();
      expect(sent.at(-1)?.events).toEqual([endEvent]);
      if (!keepalives.at(-1)) failures.push(size);
    }
    expect(failures).toEqual([]);
    expect(overReserve).toEqual([]);
  });

  it('sends the end before a batch waiting for its retry, without waiting for either answer', async () => {
    const sent: ReportBatch[] = [];
    const send = (body: string): Promise<SendOutcome> => {
      sent.push(JSON.parse(body) as ReportBatch);
      return sent.length === 1 ? Promise.resolve({ ok: false, retryable: true, status: 503 }) : new Promise<SendOutcome>(() => undefined);
    };
    const r = reporter(send, { t: 0 });
    r.addSample(sample(0));
    await r.flush(); // fails: waits for its retry
    for (let i = 0; i < 5; i++) r.addSample(sample(i + 1));
    r.addEvent(endEvent);
    void r.flush(true);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(sent.slice(1).map((b) => [b.events.length, b.samples.map((x) => x.seq)])).toEqual([
      [1, []],
      [0, [1, 2, 3]],
      [0, [4, 5]],
      [0, [0]],
    ]);
  });

  it('keeps one failed batch for a retry when the page was only hidden, and counts the rest as dropped', async () => {
    const clock = { t: 0 };
    const collector = scriptedSend([
      { ok: false, retryable: true, status: 503 },
      { ok: false, retryable: true, status: 503 },
    ]);
    const r = reporter(collector.send, clock);
    for (let i = 0; i < 3; i++) r.addSample(sample(i));
    r.addEvent({ ts: 1, type: 'session.start' });
    await r.flush(true);
    clock.t += 60_000;
    await r.flush();
    r.addSample(sample(3));
    await r.flush();
    const [events, samples, retried, next] = collector.bodies;
    expect(retried?.batchSeq).toBe(events?.batchSeq);
    expect(samples?.samples).toHaveLength(3);
    expect(next?.dropped).toEqual({ samples: 3, events: 0 });
  });
});

describe('retry timing', () => {
  it('grows exponentially with jitter, capped, never below Retry-After', () => {
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(1, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(60_000);
    expect(backoffDelay(1, () => 0, 30_000)).toBe(30_000);
  });
});

describe('one flush, one request where one will do', () => {
  /** A collector whose answers the test releases one by one; counts the requests open at once. */
  function heldSend() {
    const bodies: ReportBatch[] = [];
    const answers: Array<() => void> = [];
    let open = 0;
    let mostOpen = 0;
    const send = (body: string): Promise<SendOutcome> => {
      bodies.push(JSON.parse(body) as ReportBatch);
      mostOpen = Math.max(mostOpen, ++open);
      return new Promise((resolve) => answers.push(() => (open--, resolve({ ok: true }))));
    };
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    };
    /** Lets the reporter send, answers the oldest open request, and lets the reporter react. */
    const answer = async (): Promise<void> => {
      await settle();
      answers.shift()?.();
      await settle();
    };
    return { send, bodies, answer, mostOpen: () => mostOpen };
  }

  const settings = (maxBatchSamples: number) => ({ batchMax: maxBatchSamples, queueMax: 300, maxAttempts: 8, now: () => 0, draw: () => 0.5 });

  it('makes every flush asked for while one waits to start that same flush: one queued flush, however many samples arrive', async () => {
    // A collector answering slowly: each sample past the batch size asks for a flush.
    const collector = heldSend();
    const r = createReporter(identity, collector.send, settings(10));
    r.addSample(sample(0));
    const first = r.flush();
    await Promise.resolve();
    const later = Array.from({ length: 30 }, (_, i) => (r.addSample(sample(i + 1)), r.flush()));
    expect(new Set(later).size).toBe(1);
    expect(later[0]).not.toBe(first);
    let settled = 0;
    later.forEach((p) => void p.then(() => settled++));
    await collector.answer();
    // The queued flush sends the 30 that waited when it started, in three requests; its callers settle after them.
    await collector.answer();
    await collector.answer();
    expect(settled).toBe(0);
    await collector.answer();
    await Promise.all([first, ...later]);
    expect(settled).toBe(30);
    expect(collector.bodies.map((b) => b.samples.length)).toEqual([1, 10, 10, 10]);
    expect(collector.mostOpen()).toBe(1);
  });

  it('sends what waited when it started; samples that arrive during the request wait for the next flush', async () => {
    // The default case: two connections sampled every 2 s, the 10 s flush timer firing before the fifth round lands.
    const collector = heldSend();
    const r = createReporter(identity, collector.send, settings(10));
    for (let i = 0; i < 8; i++) r.addSample(sample(i));
    r.addEvent({ ts: 1, type: 'session.start' });
    const flushed = r.flush();
    await Promise.resolve();
    r.addSample(sample(8));
    r.addSample(sample(9));
    await collector.answer();
    expect(collector.bodies.map((b) => b.samples.length)).toEqual([8]);
    await flushed;
    expect(collector.bodies[0]?.events).toHaveLength(1);
    // The next flush (timer or size threshold) takes them.
    const next = r.flush();
    await collector.answer();
    await next;
    expect(collector.bodies.map((b) => b.samples.map((s) => s.seq))).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [8, 9]]);
  });

  it('sends more than a batch holds in batches of at most maxBatchSamples, and no request for what came later', async () => {
    const collector = heldSend();
    const r = createReporter(identity, collector.send, settings(3));
    for (let i = 0; i < 7; i++) r.addSample(sample(i));
    const flushed = r.flush();
    await Promise.resolve();
    r.addSample(sample(7));
    await collector.answer();
    await collector.answer();
    r.addSample(sample(8));
    await collector.answer();
    expect(collector.bodies).toHaveLength(3);
    await flushed;
    // Three batches for the seven that waited; the last has room for one that came meanwhile, at no extra request.
    expect(collector.bodies.map((b) => b.samples.map((s) => s.seq))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]]);
    expect(collector.mostOpen()).toBe(1);
    // The one that came after the last request had left waits for the next flush.
    const next = r.flush();
    await collector.answer();
    await next;
    expect(collector.bodies.map((b) => b.samples.map((s) => s.seq))).toHaveLength(4);
    expect(collector.bodies[3]?.samples.map((s) => s.seq)).toEqual([8]);
  });

  it('runs a flush asked for during another after it, never two requests at once, and settles after both', async () => {
    // After the session's end no timer runs: an event recorded then must not wait for a flush that never comes.
    const collector = heldSend();
    const r = createReporter(identity, collector.send, settings(10));
    r.addSample(sample(0));
    void r.flush();
    await Promise.resolve();
    r.addEvent({ ts: 2, type: 'feedback', value: 4 });
    let settled = false;
    const second = r.flush().then(() => (settled = true));
    await Promise.resolve();
    expect(collector.bodies).toHaveLength(1);
    await collector.answer();
    expect(settled).toBe(false);
    expect(collector.bodies.map((b) => b.events.map((e) => e.type))).toEqual([[], ['feedback']]);
    await collector.answer();
    await second;
    expect(collector.mostOpen()).toBe(1);
    // A third flush with nothing waiting sends nothing.
    await r.flush();
    expect(collector.bodies).toHaveLength(2);
  });

  it('still sends everything on the last flush (stop, pagehide), what arrived during an open request included', async () => {
    const collector = heldSend();
    const r = createReporter(identity, collector.send, settings(10));
    for (let i = 0; i < 8; i++) r.addSample(sample(i));
    void r.flush();
    await Promise.resolve();
    r.addSample(sample(8));
    r.addSample(sample(9));
    r.addEvent({ ts: 3, type: 'session.end', name: 'closed' });
    void r.flush(true);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    // The open request's batch goes again (same batchSeq, stored once) after the end and the newer samples.
    expect(collector.bodies.slice(1).map((b) => [b.events.length, b.samples.map((s) => s.seq)])).toEqual([
      [1, []],
      [0, [8, 9]],
      [0, [0, 1, 2, 3, 4, 5, 6, 7]],
    ]);
    // Nothing left waiting: the next sample is the only one.
    expect(r.addSample(sample(10))).toBe(1);
  });
});
