import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReportBatch } from '@rtcpulse/schema';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRtcPulse } from '../src/rtc-pulse.js';
import type { RtcPulseOptions } from '../src/options.js';

const identity = { callId: 'c', participantId: 'p', hashIds: false };

// Tests that take the clock (vi.useFakeTimers()) get the real one back, whatever they end with.
afterEach(() => {
  vi.useRealTimers();
});

/** `pulse.stop()` under fake timers: its last samples answer on a (fake) timer, so time must pass for it to end. */
async function stopOnFakeTime(pulse: { stop(): Promise<void> }): Promise<void> {
  const stopping = pulse.stop();
  await vi.advanceTimersByTimeAsync(100);
  await stopping;
}

/** The parts of a peer connection the session reads; `getStats()` answers after `statsMs` of (fake) time, as a browser's does. */
function fakePc(statsMs = 0) {
  return {
    connectionState: 'connected', iceConnectionState: 'connected', iceGatheringState: 'complete', signalingState: 'stable',
    getStats: () => new Promise((resolve) => setTimeout(() => resolve(new Map()), statsMs)),
    getSenders: () => [], getReceivers: () => [], getTransceivers: () => [],
    addEventListener: () => undefined, removeEventListener: () => undefined,
  } as unknown as RTCPeerConnection;
}

describe('the ingest key on the endpoint', () => {
  it('adds key=<tenant>, URL-encoded, unless the endpoint already carries a key parameter', async () => {
    const urls: string[] = [];
    const collector = createServer((req, res) => {
      urls.push(req.url ?? '');
      req.resume().on('end', () => res.writeHead(202).end('{}'));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/reports`;
      const tenant = 'pk live+/&=é';
      const encoded = 'pk%20live%2B%2F%26%3D%C3%A9';
      const cases: Array<[endpoint: string, expected: string]> = [
        [base, `/v1/reports?key=${encoded}`],
        [`${base}?region=eu`, `/v1/reports?region=eu&key=${encoded}`],
        // A parameter that merely ends in "key" is not the key.
        [`${base}?monkey=1`, `/v1/reports?monkey=1&key=${encoded}`],
        // Already there (the demo and the lab build their endpoints so): left exactly as given.
        [`${base}?key=other`, '/v1/reports?key=other'],
        [`${base}?region=eu&key=${encoded}`, `/v1/reports?region=eu&key=${encoded}`],
      ];
      for (const [endpoint] of cases) {
        const pulse = createRtcPulse({ endpoint, tenant, ...identity });
        pulse.start();
        await pulse.stop();
      }
      // A URL object, as apps build one from `location`: taken as its text, not thrown on.
      const fromUrl = createRtcPulse({ endpoint: new URL(base) as unknown as string, tenant, ...identity });
      fromUrl.start();
      await fromUrl.stop();
      expect(urls).toEqual([...cases.map(([, expected]) => expected), `/v1/reports?key=${encoded}`]);
    } finally {
      collector.close();
    }
  });
});

describe('observe() given something that is not a peer connection', () => {
  it('ignores it, tells onError once naming the problem, returns an empty string and uses up no id', async () => {
    const bodies: ReportBatch[] = [];
    const errors: unknown[] = [];
    const pulse = createRtcPulse(
      { endpoint: '/v1/reports', tenant: 't', ...identity, onError: (e) => errors.push(e) },
      (body) => (bodies.push(JSON.parse(body) as ReportBatch), Promise.resolve({ ok: true })),
    );
    pulse.start();
    // An RTCRtpSender or RTCRtpReceiver has a getStats() too: before, it was reported as a connection (pc.added).
    const sender = { getStats: () => Promise.resolve(new Map()), track: null };
    const hostile = [null, undefined, {}, { getStats: 'not a function' }, 42, sender];
    const ids = hostile.map((value) => pulse.observe(value as unknown as RTCPeerConnection));
    expect(ids).toEqual(['', '', '', '', '', '']);
    expect(errors.map((e) => (e as Error).message)).toEqual(Array(hostile.length).fill('observe: no peer connection'));
    // The next real connection still gets the first id, and is the only one reported.
    expect(pulse.observe(fakePc())).toBe('pc0');
    await pulse.stop();
    const added = bodies.flatMap((b) => b.events).filter((e) => e.type === 'pc.added');
    expect(added.map((e) => e.pc)).toEqual(['pc0']);
    expect(errors).toHaveLength(hostile.length);
  });
});

describe('createRtcPulse() called from plain JavaScript without options', () => {
  it('returns a working session instead of throwing into the app, whose batches carry placeholder identity the collector refuses', async () => {
    const bodies: ReportBatch[] = [];
    const send = (body: string) => (bodies.push(JSON.parse(body) as ReportBatch), Promise.resolve({ ok: true } as const));
    for (const missing of [undefined, null]) {
      const pulse = createRtcPulse(missing as unknown as RtcPulseOptions, send);
      pulse.start();
      expect(pulse.observe(fakePc())).toBe('pc0');
      await pulse.stop();
    }
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    // No tenant given: the placeholder is not a key any collector issues, so the batches are refused (401), not stored under someone's tenant.
    expect(new Set(bodies.map((b) => b.tenant))).toEqual(new Set(['undefined']));
  });
});

describe('reports the collector refuses', () => {
  it('tells onError of the first refused report (a wrong endpoint: 404) and goes on; a refused key (401) ends the session', async () => {
    const seen: string[] = [];
    const collector = createServer((req, res) => {
      seen.push(req.url ?? '');
      const status = req.url?.startsWith('/v1/reports') ? (req.url.includes('key=revoked') ? 401 : 202) : 404;
      req.resume().on('end', () => res.writeHead(status).end('{}'));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
      const run = async (endpoint: string, tenant: string): Promise<{ errors: string[]; ended: boolean }> => {
        const errors: string[] = [];
        const events: string[] = [];
        const pulse = createRtcPulse({
          endpoint, tenant, ...identity, onError: (e) => errors.push((e as Error).message), onEvent: (e) => events.push(e.type),
        });
        pulse.start();
        await pulse.flush();
        pulse.audit('screenshare.start');
        await pulse.flush();
        const endedBeforeStop = events.includes('session.end');
        await pulse.stop();
        return { errors, ended: endedBeforeStop };
      };
      const wrongPath = await run(`${origin}/v1/report`, 't');
      // Two reports and the last one at stop(): each refused, the first told, the session still running until stop().
      expect(wrongPath.errors).toEqual(['report refused: HTTP 404']);
      expect(wrongPath.ended).toBe(false);
      const revoked = await run(`${origin}/v1/reports`, 'revoked');
      expect(revoked.errors).toEqual(['key refused: HTTP 401']);
      expect(revoked.ended).toBe(true);
      const fine = await run(`${origin}/v1/reports`, 't');
      expect(fine.errors).toEqual([]);
      expect(seen.length).toBeGreaterThanOrEqual(5);
    } finally {
      collector.close();
    }
  });
});

describe('an onError that reports back into the session', () => {
  it('makes no loop of refused requests, also after stop() when every event goes at once', async () => {
    let requests = 0;
    const collector = createServer((req, res) => {
      requests++;
      req.resume().on('end', () => res.writeHead(404).end('{}'));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/report`;
      let told = 0;
      // An app forwarding the SDK's problems as its own errors: each becomes an event of the session.
      const pulse = createRtcPulse({
        endpoint, tenant: 't', ...identity,
        onError: (e) => {
          told++;
          pulse.reportError(e, 'sdk');
        },
      });
      pulse.start();
      await pulse.stop();
      pulse.reportError(new Error('after the end'), 'app');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // The session's end, the event onError made of its refusal, the app's own error: a handful, not hundreds.
      expect(told).toBe(1);
      expect(requests).toBeLessThanOrEqual(3);
    } finally {
      collector.close();
    }
  });

  it('makes no loop with a custom send that rejects (a fetch without try, the collector down), and tells of it once', async () => {
    let requests = 0;
    const told: unknown[] = [];
    // Nothing listens: each request fails as a bare fetch() fails, by rejecting. (After 50 the collector is back, so that a
    // loop ends and fails the test rather than starving the worker.)
    const send = (): Promise<{ ok: true }> => (++requests > 50 ? Promise.resolve({ ok: true }) : Promise.reject(new TypeError('Failed to fetch')));
    const pulse = createRtcPulse(
      {
        endpoint: '/v1/reports', tenant: 't', ...identity,
        onError: (e) => {
          told.push(e);
          pulse.reportError(e, 'sdk');
        },
      },
      send,
    );
    pulse.start();
    await pulse.stop();
    pulse.reportError(new Error('after the end'), 'app');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Before: every rejection reached onError, whose event went out at once and was rejected again (5,205 requests in 3 s).
    expect(told.map(String)).toEqual(['TypeError: Failed to fetch']);
    expect(requests).toBeLessThanOrEqual(3);
  });
});

describe('requests with the default settings', () => {
  it('two connections every 2 s, a flush every 10 s or 10 samples: each request carries 8 to 10 samples, not 8 and then a straggler pair', async () => {
    vi.useFakeTimers();
    const sizes: number[] = [];
    const options: RtcPulseOptions = { endpoint: '/v1/reports', tenant: 't', ...identity };
    // The collector answers after 50 ms; getStats() takes 5 ms, so the 10 s flush fires before that round's samples land.
    const pulse = createRtcPulse(options, (body) => {
      sizes.push((JSON.parse(body) as ReportBatch).samples.length);
      return new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 50));
    });
    pulse.observe(fakePc(5));
    pulse.observe(fakePc(5));
    pulse.start();
    await vi.advanceTimersByTimeAsync(61_000);
    // 30 rounds of 2 samples: the first flush (at 10 s) takes the 8 of four rounds; from then on the size threshold
    // sends 10 at a time, and the rounds that land during a request wait for the next one (before: 8, 2, 8, 2, …).
    expect(sizes).toEqual([8, 10, 10, 10, 10, 10]);
    // stop() takes a last round and sends everything still waiting: the events (the end among them) first, on their own.
    const stopped = pulse.stop();
    await vi.advanceTimersByTimeAsync(100);
    await stopped;
    expect(sizes.slice(6)).toEqual([0, 4]);
  });
});

describe('after the session ended, with the collector failing', () => {
  it('retries the last batches and sends post-call feedback once the collector is back, with no further calls from the app', async () => {
    vi.useFakeTimers();
    const delivered: ReportBatch[] = [];
    let requests = 0;
    // The collector answers 503 (Retry-After 20 s) for the first minute of (fake) time.
    const t0 = Date.UTC(2026, 0, 1);
    let sampled = 0;
    const options: RtcPulseOptions = { endpoint: '/v1/reports', tenant: 't', ...identity, onSample: () => sampled++ };
    const pulse = createRtcPulse(options, (body) => {
      requests++;
      if (Date.now() < t0 + 60_000) return Promise.resolve({ ok: false, retryable: true, status: 503, retryAfterMs: 20_000 });
      delivered.push(JSON.parse(body) as ReportBatch);
      return Promise.resolve({ ok: true });
    });
    vi.setSystemTime(t0);
    pulse.observe(fakePc());
    pulse.start();
    await vi.advanceTimersByTimeAsync(4_000);
    await pulse.stop();
    // Post-call feedback, given while the final batch waits out its backoff.
    await pulse.feedback(2, ['audio-wrong-device']);
    await vi.advanceTimersByTimeAsync(120_000);
    const events = delivered.flatMap((b) => b.events.map((e) => e.type));
    expect(events).toContain('session.end');
    expect(events).toContain('feedback');
    expect(events).toContain('feedback.complaint');
    // The final send's second batch could not wait for a retry too (one batch waits at a time): its samples are counted.
    const samples = delivered.flatMap((b) => b.samples).length + delivered.reduce((n, b) => n + b.dropped.samples, 0);
    expect(sampled).toBeGreaterThan(0);
    expect(samples).toBe(sampled);
    // Each batch once, and only a handful of attempts (Retry-After: 20 s) while the collector refused.
    const seqs = delivered.map((b) => b.batchSeq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(requests).toBeLessThan(10);
  });
});

describe('the last batches of a session that fail once', () => {
  it('count what could not wait for a retry even when nothing follows stop(): the drop counts go in a batch of their own', async () => {
    vi.useFakeTimers();
    const delivered: ReportBatch[] = [];
    let sampled = 0;
    let failing = true;
    const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 't', ...identity, intervalMs: 250, onSample: () => sampled++ }, (body) => {
      if (failing) return Promise.resolve({ ok: false, retryable: true, status: 503, retryAfterMs: 1_000 });
      delivered.push(JSON.parse(body) as ReportBatch);
      return Promise.resolve({ ok: true });
    });
    pulse.observe(fakePc());
    pulse.start();
    // Between two ticks, so no sample comes after the session's end to carry the counts.
    await vi.advanceTimersByTimeAsync(3_100);
    // Both batches of the final send (events, samples) get 503; the events batch waits for a retry, the samples batch
    // is dropped. Before, its count was to ride on the next batch, and after stop() there was none.
    await stopOnFakeTime(pulse);
    failing = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sampled).toBeGreaterThan(0);
    expect(delivered.flatMap((b) => b.events.map((e) => e.type))).toContain('session.end');
    const accounted = delivered.flatMap((b) => b.samples).length + delivered.reduce((n, b) => n + b.dropped.samples, 0);
    expect(accounted).toBe(sampled);
  });
});

describe('the final send refused for good', () => {
  it('counts what the refused batches carried in a batch of counts after stop(), with no feedback to carry them', async () => {
    vi.useFakeTimers();
    const delivered: ReportBatch[] = [];
    let emitted = 0;
    let refuseNext = 0;
    const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 't', ...identity, onEvent: () => emitted++ }, (body) => {
      if (refuseNext > 0 && refuseNext--) return Promise.resolve({ ok: false, retryable: false, status: 400 });
      delivered.push(JSON.parse(body) as ReportBatch);
      return Promise.resolve({ ok: true });
    });
    pulse.observe(fakePc());
    pulse.start();
    await vi.advanceTimersByTimeAsync(11_000);
    // The final send's batches (events: leave, quality, the session's end; the last samples) are refused, as a batch
    // with half an emoji is (see the SDK README's known exception).
    refuseNext = 2;
    await stopOnFakeTime(pulse);
    await vi.advanceTimersByTimeAsync(60_000);
    const arrived = delivered.flatMap((b) => b.events).length;
    const counted = delivered.reduce((n, b) => n + b.dropped.events, 0);
    expect(counted).toBeGreaterThan(0);
    expect(arrived + counted).toBe(emitted);
  });
});

describe('drop counts with nothing else to send', () => {
  it('go in a batch of their own only behind a retry: a refused or failing collector in a lobby gets no request on every flush', async () => {
    vi.useFakeTimers();
    for (const answer of [{ ok: false, retryable: false, status: 404 }, { ok: false, retryable: true, status: 503 }] as const) {
      let requests = 0;
      const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 't', ...identity }, () => (requests++, Promise.resolve(answer)));
      // Started before any connection is observed (a lobby): nothing but the first events and then their drop counts.
      pulse.start();
      await vi.advanceTimersByTimeAsync(30 * 60_000);
      // 404: the first report, refused for good, and nothing after it; 503: its 8 attempts (before: one more request
      // of drop counts on every flush, for the whole session).
      expect(requests, String(answer.status)).toBe(answer.retryable ? 8 : 1);
      await stopOnFakeTime(pulse);
    }
  });
});

describe('a getStats() that never answers', () => {
  it('keeps neither stop() nor unobserve() from ending: they wait 2 s at most for the last sample, and the session end is sent', async () => {
    vi.useFakeTimers();
    const bodies: ReportBatch[] = [];
    let sampled = 0;
    const pulse = createRtcPulse(
      { endpoint: '/v1/reports', tenant: 't', ...identity, intervalMs: 60_000, onSample: () => sampled++ },
      (body) => (bodies.push(JSON.parse(body) as ReportBatch), Promise.resolve({ ok: true })),
    );
    const hung = () => ({ ...fakePc(), getStats: () => new Promise(() => undefined) }) as unknown as RTCPeerConnection;
    const [a, b, answering] = [hung(), hung(), fakePc()];
    pulse.observe(a);
    pulse.observe(b);
    pulse.observe(answering);
    pulse.start();
    // A connection that answers still gives its last sample to unobserve(), which waits for it.
    const leaving = pulse.unobserve(answering);
    await vi.advanceTimersByTimeAsync(10);
    await leaving;
    expect(sampled).toBe(1);
    let unobserved = false;
    void pulse.unobserve(a).then(() => (unobserved = true));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(unobserved).toBe(true);
    // Before the first sampling tick, so the stop's own last sample is the one that hangs.
    let stopped = false;
    void pulse.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(stopped).toBe(true);
    expect(bodies.flatMap((x) => x.events.map((e) => e.type))).toEqual(expect.arrayContaining(['session.start', 'audit', 'session.end']));
  });
});

describe('intervals longer than a timer takes', () => {
  it('are held to 2^31 - 1 ms: Infinity or 2^32 does not fire at once, over and over (before: about 480 getStats() a second)', async () => {
    vi.useFakeTimers();
    for (const huge of [Infinity, 2 ** 32]) {
      let asked = 0;
      let sent = 0;
      const pc = { ...fakePc(), getStats: () => (asked++, Promise.resolve(new Map())) } as unknown as RTCPeerConnection;
      const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 't', ...identity, intervalMs: huge, flushIntervalMs: huge }, () => (sent++, Promise.resolve({ ok: true })));
      pulse.observe(pc);
      pulse.start();
      await vi.advanceTimersByTimeAsync(5_000);
      // Ten getStats() in 5 s are the target-bitrate watch's (runbook 9, every 500 ms); no sample, no request.
      expect([asked, sent], String(huge)).toEqual([10, 0]);
      await pulse.stop();
    }
  });
});

describe('the same stats asked for again', () => {
  it('makes no second sample: a stop() within the browser\'s 50 ms stats cache adds no duplicate of the last one', async () => {
    // A browser answers getStats() from its cache within 50 ms: the same timestamp, the same values.
    let timestamp = 1000;
    const pc = { ...fakePc(), getStats: () => Promise.resolve(new Map([['T', { id: 'T', type: 'transport', timestamp }]])) };
    const bodies: ReportBatch[] = [];
    const pulse = createRtcPulse(
      { endpoint: '/v1/reports', tenant: 't', ...identity, intervalMs: 10 },
      (body) => (bodies.push(JSON.parse(body) as ReportBatch), Promise.resolve({ ok: true })),
    );
    pulse.start();
    pulse.observe(pc as unknown as RTCPeerConnection);
    await new Promise((resolve) => setTimeout(resolve, 100));
    timestamp = 3000;
    await pulse.stop();
    const samples = bodies.flatMap((b) => b.samples);
    expect(samples.map((s) => [s.seq, s.ts, s.dur])).toEqual([
      [0, 1000, 0],
      [1, 3000, 2000],
    ]);
  });
});
