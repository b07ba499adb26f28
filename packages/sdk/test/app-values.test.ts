import { ReportBatchSchema, type ReportBatch } from '@rtcpulse/schema';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it, vi } from 'vitest';
import { createRtcPulse } from '../src/rtc-pulse.js';
import type { RtcPulseOptions } from '../src/options.js';

/** The parts of a peer connection the session reads; `getStats()` answers at once with an empty report. */
function fakePc() {
  return {
    connectionState: 'connected', iceConnectionState: 'connected', iceGatheringState: 'complete', signalingState: 'stable',
    getStats: () => Promise.resolve(new Map()),
    getSenders: () => [], getReceivers: () => [], getTransceivers: () => [],
    addEventListener: () => undefined, removeEventListener: () => undefined,
  } as unknown as RTCPeerConnection;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where in `value` a text holds half a character (a lone surrogate), or undefined. */
function illFormed(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? `${path} is not well-formed Unicode` : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = illFormed(item, `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

/** A session whose every request body is checked as the collector checks it: the wire schema, and well-formed text. */
function checkedSession(options: Partial<RtcPulseOptions> = {}) {
  const bodies: ReportBatch[] = [];
  const refusals: string[] = [];
  const errors: unknown[] = [];
  const pulse = createRtcPulse(
    { endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false, onError: (e) => errors.push(e), ...options },
    (body) => {
      const batch = JSON.parse(body) as ReportBatch;
      const error = Value.Errors(ReportBatchSchema, batch).First();
      // The collector also refuses text that is not well-formed Unicode (a lone surrogate), as its JSON parser does.
      const refusal = error ? `${error.path}: ${error.message}` : illFormed(batch, 'body');
      if (refusal) refusals.push(refusal);
      else bodies.push(batch);
      return Promise.resolve(refusal ? { ok: false, retryable: false, status: 400 } : { ok: true });
    },
  );
  return { pulse, bodies, refusals, errors };
}

// JavaScript callers (and TypeScript ones with casts) pass anything: none of it may get a whole batch refused.
const any = <T>(value: unknown): T => value as T;

describe('values the app passes in', () => {
  it('never make the collector refuse a batch: ids, audit actions, error stages, end reasons and feedback are held to the wire', async () => {
    const { pulse, bodies, refusals, errors } = checkedSession();
    pulse.start();
    const ids = [
      pulse.observe(fakePc(), { id: '' }),
      pulse.observe(fakePc(), { id: any(42) }),
      pulse.observe(fakePc(), { id: 'x'.repeat(200) }),
    ];
    expect(ids).toEqual(['-', '42', 'x'.repeat(128)]);
    pulse.audit(any(null));
    pulse.audit(any(undefined));
    pulse.reportError(new Error('boom'), any(123));
    await pulse.flush();
    await pulse.stop(any('r'.repeat(100)));
    await pulse.feedback(any(3.4), any([null, 42, 'audio-wrong-device']), any(12345));
    // start() after stop() does not begin the ended session again.
    pulse.start();
    await pulse.flush();
    expect(refusals).toEqual([]);
    expect(errors).toEqual([]);
    const events = bodies.flatMap((b) => b.events);
    expect(new Set(bodies.flatMap((b) => b.samples.map((s) => s.pc)))).toEqual(new Set(ids));
    expect(events.filter((e) => e.type === 'audit').map((e) => e.name)).toEqual(['join', 'null', 'undefined', 'leave']);
    expect(events.filter((e) => e.type === 'session.start')).toHaveLength(1);
    expect(events.find((e) => e.type === 'error')?.stage).toBe('123');
    expect(events.find((e) => e.type === 'session.end')?.name).toBe('r'.repeat(64));
    expect(events.find((e) => e.type === 'feedback')).toMatchObject({ value: 3, message: '12345' });
    expect(events.filter((e) => e.type === 'feedback.complaint').map((e) => e.name)).toEqual(['other', 'audio-wrong-device']);
    // No sampleRate given: every batch says the session was sampled at 1 (all sessions report).
    expect(new Set(bodies.map((b) => b.sampleRate))).toEqual(new Set([1]));
  });

  it.each<[string, Partial<RtcPulseOptions>]>([
    ['0', { region: any(0), topology: any(false), sampleRate: any(null) }],
    ['NaN', { region: any(NaN), topology: any(null), sampleRate: any(NaN) }],
    ['empty', { region: '', topology: '', sampleRate: any('0.5') }],
  ])('never make the collector refuse a batch over region, topology or sampleRate (%s): left out or the default', async (_, options) => {
    const { pulse, bodies, refusals, errors } = checkedSession(options);
    pulse.start();
    await pulse.stop();
    expect(refusals).toEqual([]);
    expect(errors).toEqual([]);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      expect(body.meta).toEqual({});
      expect(body.sampleRate).toBe(1);
    }
  });

  it('reads arguments left out or given in a simpler shape as meant: no stage is the app\'s, one complaint as a string is one, null none, a Set its tags, null, false or empty tags none, anything else no tags and onError told', async () => {
    const { pulse, bodies, refusals, errors } = checkedSession();
    pulse.start();
    pulse.reportError(new Error('no stage given'), any(undefined));
    pulse.reportError(new Error('null stage'), any(null));
    await pulse.stop();
    await pulse.feedback(4, any('audio-echo'));
    await pulse.feedback(5, any(null));
    await pulse.feedback(3, any(new Set(['video-frozen', 'audio-echo'])));
    await pulse.feedback(2, any([false, null, '', 'audio-muted']));
    // Tags left out do not count towards the 16 sent.
    await pulse.feedback(1, any([...Array<boolean>(16).fill(false), 'video-frozen']));
    // Neither a string nor iterable: the rating goes, no tags, and onError is told (not read as an array-like, whose
    // length could be huge).
    for (const odd of [true, 5, { length: 2 ** 32 - 1 }]) await pulse.feedback(3, any(odd));
    expect(refusals).toEqual([]);
    expect(errors.map((e) => (e as Error).name)).toEqual(['TypeError', 'TypeError', 'TypeError']);
    const events = bodies.flatMap((b) => b.events);
    // Before: the stage went as the words "undefined" and "null", and the complaint as ten of one letter each.
    expect(events.filter((e) => e.type === 'error').map((e) => e.stage)).toEqual(['app', 'app']);
    expect(events.filter((e) => e.type === 'feedback.complaint').map((e) => e.name)).toEqual(['audio-echo', 'video-frozen', 'audio-echo', 'audio-muted', 'video-frozen']);
    expect(events.filter((e) => e.type === 'feedback').map((e) => e.value)).toEqual([4, 5, 3, 2, 1, 3, 3, 3]);
  });

  it('cuts app text at whole characters: an emoji across a limit is left out, not halved, and so is half of one the app gave', async () => {
    const { pulse, bodies, refusals, errors } = checkedSession({
      sessionId: 'S😀',
      callId: 'c'.repeat(127) + '😀',
      region: 'r'.repeat(63) + '😀',
      topology: 'mesh\udc00',
    });
    pulse.start();
    expect(pulse.observe(fakePc(), { id: 'x'.repeat(127) + '😀' })).toBe('x'.repeat(127));
    pulse.reportError(new Error('e'.repeat(199) + '😀'), 'app');
    // Cut at 800 before the scrubbing (the emoji halved there), then shortened by it to far below the limit of 200.
    pulse.reportError(new Error(':'.repeat(799) + '😀'), 'app');
    await pulse.stop(any('s'.repeat(63) + '😀'));
    await pulse.feedback(4, [], 'f'.repeat(499) + '😀');
    // Before: each of these was cut in the middle of the emoji, and the collector refused every batch (400).
    expect(refusals).toEqual([]);
    expect(errors).toEqual([]);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      expect(body).toMatchObject({ sessionId: 'S😀', callId: 'c'.repeat(127), meta: { region: 'r'.repeat(63), topology: 'mesh' } });
    }
    const events = bodies.flatMap((b) => b.events);
    expect(events.filter((e) => e.type === 'error').map((e) => e.message)).toEqual(['e'.repeat(199), '[ip]']);
    expect(events.find((e) => e.type === 'session.end')?.name).toBe('s'.repeat(63));
    expect(events.find((e) => e.type === 'feedback')?.message).toBe('f'.repeat(499));
    expect(new Set(bodies.flatMap((b) => b.samples.map((s) => s.pc)))).toEqual(new Set(['x'.repeat(127)]));
  });

  // What no TypeScript caller can pass: text without a prototype or whose toString throws, Symbols, getters that throw.
  const noText = (): unknown => Object.create(null);
  const throwingText = (): unknown => ({ toString: () => { throw new Error('no text'); } });

  it.each<[string, (options: Record<string, unknown>) => void]>([
    ['a Symbol endpoint', (o) => (o['endpoint'] = Symbol('e'))],
    ['a Symbol participant id', (o) => (o['participantId'] = Symbol('p'))],
    ['an option getter that throws', (o) => Object.defineProperty(o, 'intervalMs', { get: () => { throw new Error('getter'); } })],
    // Read only by start() before, which then threw into the app.
    ['a flushIntervalMs getter that throws', (o) => Object.defineProperty(o, 'flushIntervalMs', { get: () => { throw new Error('getter'); } })],
  ])('never throws into the app from createRtcPulse (%s): onError hears of it, and the session is sampled out', async (_, makeHostile) => {
    const errors: unknown[] = [];
    const options = (onError: (e: unknown) => void): RtcPulseOptions => {
      const o: Record<string, unknown> = { endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', onError };
      makeHostile(o);
      return o as unknown as RtcPulseOptions;
    };
    // The session sampled out in its place has the default transport: it must not use it.
    const fetched = vi.fn(() => Promise.resolve(new Response(null, { status: 202 })));
    vi.stubGlobal('fetch', fetched);
    try {
      const pulse = createRtcPulse(options((e) => errors.push(e)));
      expect(errors).toHaveLength(1);
      expect(pulse.sampled).toBe(false);
      pulse.observe(fakePc());
      pulse.start();
      pulse.reportError(new Error('x'), 'app');
      await pulse.feedback(3);
      await pulse.stop();
      expect(fetched).not.toHaveBeenCalled();
      // An onError that throws is no exception either.
      expect(() => createRtcPulse(options(() => { throw new Error('app bug'); }))).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('takes a targetBitrateKbps that is no number (a BigInt) as none, instead of throwing from the poll timer every 500 ms', async () => {
    vi.useFakeTimers();
    try {
      const { pulse, refusals, errors } = checkedSession({ targetBitrateKbps: any(1000n) });
      pulse.observe(fakePc());
      pulse.start();
      // Before: each poll threw "Cannot mix BigInt and other types" out of its timer (to window.onerror, not onError).
      await vi.advanceTimersByTimeAsync(3000);
      await pulse.stop();
      expect(errors).toEqual([]);
      expect(refusals).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never throws into the app over text that is no text: ids, region and topology go as "-", an observe id too, a stop() reason ends the session as "-"', async () => {
    const { pulse, bodies, refusals, errors } = checkedSession({ callId: any(noText()), region: any(throwingText()), topology: any(noText()) });
    pulse.start();
    expect(pulse.observe(fakePc(), { id: any(noText()) })).toBe('-');
    expect(pulse.observe(fakePc(), { id: any(throwingText()) })).toBe('-');
    // A revoked Proxy throws on every property read: no peer connection, told, no throw.
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(pulse.observe(any(proxy))).toBe('');
    pulse.reportAvOffset(any(Symbol('offset')));
    pulse.reportAvOffset(any({ valueOf: () => { throw new Error('no number'); } }));
    // Errors and feedback details that are no text: the event goes, its text as "-" (before: no event, and no rating).
    pulse.reportError(noText(), 'app');
    pulse.reportError({ name: 'OddError', message: throwingText() }, 'app');
    await pulse.stop(any(noText()));
    await pulse.feedback(4, [], any(noText()));
    // Details that are no text at all (null, 0, false) send none: before, the value itself went, and the collector refused
    // the batch with everything in it.
    for (const none of [null, 0, false]) await pulse.feedback(5, [], any(none));
    expect(refusals).toEqual([]);
    expect(errors.map(String)).toEqual([
      expect.stringMatching(/^TypeError/),
      'TypeError: Cannot convert a Symbol value to a number',
      'Error: no number',
    ]);
    expect(bodies[0]).toMatchObject({ callId: '-', meta: { region: '-', topology: '-' } });
    const events = bodies.flatMap((b) => b.events);
    expect(events.find((e) => e.type === 'session.end')?.name).toBe('-');
    expect(events.some((e) => e.type === 'av.offset')).toBe(false);
    expect(events.filter((e) => e.type === 'error').map((e) => [e.name, e.message])).toEqual([['Error', '-'], ['OddError', '-']]);
    expect(events.filter((e) => e.type === 'feedback').map((e) => [e.value, e.message])).toEqual([[4, '-'], [5, undefined], [5, undefined], [5, undefined]]);
  });

  it('gives back as pulse.sessionId the id it sends: an own id over 128 characters cut as stored, not the whole of it', async () => {
    const { pulse, bodies, refusals } = checkedSession({ sessionId: 'S'.repeat(300) });
    pulse.start();
    await pulse.stop();
    expect(refusals).toEqual([]);
    expect(pulse.sessionId).toBe('S'.repeat(128));
    expect(bodies.map((b) => b.sessionId)).toEqual(bodies.map(() => pulse.sessionId));
  });

  it('sends region and topology as text within the wire limit, and the sample rate it sampled by', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    try {
      const { pulse, bodies, refusals } = checkedSession({ region: any(42), topology: 's'.repeat(100), sampleRate: 0.25 });
      pulse.start();
      await pulse.stop();
      expect(refusals).toEqual([]);
      expect(bodies[0]).toMatchObject({ meta: { region: '42', topology: 's'.repeat(64) }, sampleRate: 0.25 });
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('grants recording consent only for true: a string such as "false" withdraws it', async () => {
    const { pulse, bodies } = checkedSession();
    pulse.start();
    pulse.setConsent(true);
    pulse.setConsent(any('false'));
    await pulse.flush();
    const audits = bodies.flatMap((b) => b.events).filter((e) => e.name?.startsWith('recording.consent'));
    expect(audits.map((e) => e.name)).toEqual(['recording.consent.granted', 'recording.consent.withdrawn']);
    expect(bodies.at(-1)?.consent).toBe('withdrawn');
    await pulse.stop();
  });

  it('keeps IP addresses out of feedback details, and within the wire limit however many there were', async () => {
    const { pulse, bodies, refusals } = checkedSession();
    pulse.start();
    await pulse.stop();
    await pulse.feedback(2, [], 'my IP is 203.0.113.5, my router fe80::1; ' + '::'.repeat(400));
    expect(refusals).toEqual([]);
    const message = bodies.flatMap((b) => b.events).find((e) => e.type === 'feedback')?.message ?? '';
    expect(message.startsWith('my IP is [ip], my router [ip]; ')).toBe(true);
    expect(message.length).toBeLessThanOrEqual(500);
  });

  it('keeps feedback details up to 500 characters, and scrubs a long pasted text in bounded time', async () => {
    const { pulse, bodies } = checkedSession();
    pulse.start();
    await pulse.stop();
    await pulse.feedback(4, [], `${'x'.repeat(490)} 10.1.2.3 ${'a'.repeat(200_000)}`);
    const message = bodies.flatMap((b) => b.events).find((e) => e.type === 'feedback')?.message ?? '';
    expect(message).toBe(`${'x'.repeat(490)} [ip] aaaa`);
  });

  it('holds maxQueue to the wire limit of 1000 events a report, so the last flush after a long outage is not refused', async () => {
    vi.useFakeTimers();
    try {
      let down = true;
      const refused: string[] = [];
      const stored: ReportBatch[] = [];
      const pulse = createRtcPulse(
        { endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false, maxQueue: 5000 },
        (body) => {
          const batch = JSON.parse(body) as ReportBatch;
          if (down) return Promise.resolve({ ok: false, retryable: true, status: 503 });
          const error = Value.Errors(ReportBatchSchema, batch).First();
          if (error) refused.push(`${error.path}: ${error.message}`);
          else stored.push(batch);
          return Promise.resolve(error ? { ok: false, retryable: false, status: 400 } : { ok: true });
        },
      );
      pulse.start();
      for (let i = 0; i < 1500; i++) pulse.reportAvOffset(i);
      await vi.advanceTimersByTimeAsync(1000);
      down = false;
      await pulse.stop();
      expect(refused).toEqual([]);
      const offsets = stored.flatMap((b) => b.events).filter((e) => e.type === 'av.offset');
      const counted = stored.reduce((n, b) => n + b.dropped.events, 0);
      expect(offsets.length).toBeLessThanOrEqual(1000);
      // What did not fit is counted, not silently lost (the batch waiting for its retry holds the first events).
      expect(offsets.length + counted).toBeGreaterThanOrEqual(1500);
    } finally {
      vi.useRealTimers();
    }
  });

  it('treats 0 or NaN intervals and batch sizes as the defaults instead of sampling or sending without pause', async () => {
    vi.useFakeTimers();
    try {
      let stats = 0;
      let requests = 0;
      const pc = { ...fakePc(), getStats: () => (stats++, Promise.resolve(new Map())) } as unknown as RTCPeerConnection;
      const pulse = createRtcPulse(
        { endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false, intervalMs: 0, flushIntervalMs: NaN, maxBatchSamples: NaN },
        () => (requests++, Promise.resolve({ ok: true })),
      );
      pulse.observe(pc);
      pulse.start();
      await vi.advanceTimersByTimeAsync(10_000);
      // Sampling every 2 s (the default) for 10 s, plus the target-bitrate watch's 20 polls (500 ms apart); one flush at 10 s.
      expect(stats).toBeLessThanOrEqual(5 + 20);
      expect(requests).toBe(1);
      await pulse.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('treats options that are not numbers as the defaults: the queue stays bounded and the last flush ends', async () => {
    vi.useFakeTimers();
    try {
      let stats = 0;
      const samplesPerRequest: number[] = [];
      const pc = { ...fakePc(), getStats: () => (stats++, Promise.resolve(new Map())) } as unknown as RTCPeerConnection;
      const odd = { intervalMs: '2s', flushIntervalMs: '10s', maxBatchSamples: 'ten', maxQueue: 'lots', idleTimeoutMs: 'never' } as unknown as Partial<RtcPulseOptions>;
      const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false, ...odd }, (body) => {
        samplesPerRequest.push((JSON.parse(body) as ReportBatch).samples.length);
        return Promise.resolve({ ok: true });
      });
      pulse.observe(pc);
      pulse.start();
      await vi.advanceTimersByTimeAsync(10_000);
      // As with the defaults: a sample every 2 s (plus the target-bitrate watch's polls), one flush of them at 10 s.
      expect(stats).toBeLessThanOrEqual(5 + 20);
      expect(samplesPerRequest).toEqual([5]);
      // A batch size that is not a number once made every batch empty, and this last flush loop for ever.
      await pulse.stop();
      expect(samplesPerRequest.slice(1)).toEqual([0, 1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends the end of a session stopped while the page is hidden at once, without waiting for a getStats() that may never answer', async () => {
    vi.stubGlobal('document', { visibilityState: 'hidden' });
    try {
      const events: string[] = [];
      const pc = { ...fakePc(), getStats: () => new Promise(() => undefined) } as unknown as RTCPeerConnection;
      const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false }, (body) => {
        events.push(...(JSON.parse(body) as ReportBatch).events.map((e) => e.type));
        return Promise.resolve({ ok: true });
      });
      pulse.observe(pc);
      pulse.start();
      // A tab in the background: its getStats() may never answer.
      await pulse.stop();
      expect(events).toContain('session.end');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('does nothing on a pagehide before start(): a page restored from the back/forward cache can still start its session', async () => {
    const window = new EventTarget();
    vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
    vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
    try {
      const events: string[] = [];
      const pulse = createRtcPulse({ endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false }, (body) => {
        events.push(...(JSON.parse(body) as ReportBatch).events.map((e) => e.type));
        return Promise.resolve({ ok: true });
      });
      // The SDK listens for pagehide from the session's creation (see rtc-pulse.ts).
      window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: true }));
      pulse.observe(fakePc());
      pulse.start();
      await pulse.stop();
      expect(events).toEqual(expect.arrayContaining(['pc.added', 'session.start', 'session.end']));
      // After start(), a pagehide ends it (once).
      const ended: string[] = [];
      const next = createRtcPulse({ endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false }, (body) => {
        ended.push(...(JSON.parse(body) as ReportBatch).events.filter((e) => e.type == 'session.end').map((e) => e.name ?? ''));
        return Promise.resolve({ ok: true });
      });
      next.start();
      window.dispatchEvent(new Event('pagehide'));
      await next.stop();
      expect(ended).toEqual(['pagehide']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('adds no page listener for a session sampled out (it never starts)', () => {
    const added: string[] = [];
    vi.stubGlobal('addEventListener', (type: string) => added.push(type));
    try {
      createRtcPulse({ endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false, sampleRate: 0 });
      expect(added).toEqual([]);
      createRtcPulse({ endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', hashIds: false });
      expect(added).toEqual(['pagehide']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
