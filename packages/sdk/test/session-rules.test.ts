import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RUNBOOK_THRESHOLDS, ReportBatchSchema, type ReportBatch, type Sample } from '@rtcpulse/schema';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it, vi } from 'vitest';
import { createRtcPulse } from '../src/rtc-pulse.js';
import { DEGRADED_FREEZE_PCT, DEGRADED_MOS, DEGRADED_SESSION_PCT, degradedTracker } from '../src/session/degraded.js';
import { errorEvent } from '../src/session/error-event.js';
import { createReporter } from '../src/transport/reporter.js';
import { createFetchSender } from '../src/transport/send-report.js';

function sample(streams: Sample['streams']): Sample {
  return { pc: 'pc0', seq: 0, ts: 1, dur: 2000, conn: {}, streams, labels: {} };
}

describe('degraded session classification', () => {
  it('counts an interval degraded under MOS 3.6 or with 10 % frozen video, and a session degraded from 20 %', () => {
    const t = degradedTracker();
    expect(t.result()).toBeUndefined();
    t.take(sample({})); // no media measured: not an interval of the share
    for (let i = 0; i < 8; i++) t.take(sample({ audio_in: { mos: 4.3 }, video_in: { freeze_time_pct: 0 } }));
    t.take(sample({ audio_out: { mos: 3.5 } }));
    expect(t.result()).toEqual({ state: 'ok', value: 11.1 });
    t.take(sample({ video_in: { freeze_time_pct: 10 } }));
    expect(t.result()).toEqual({ state: 'degraded', value: 20 });
  });
});

describe('error events', () => {
  it('keeps the DOMException name and stage, the constraint of an OverconstrainedError, and never an address', () => {
    const sdp = new DOMException('Failed to parse SessionDescription. a=candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host; fe80::1:2:3', 'OperationError');
    const event = errorEvent(sdp, 'setRemoteDescription');
    expect(event).toMatchObject({ type: 'error', stage: 'setRemoteDescription', name: 'OperationError' });
    expect(event.message).not.toMatch(/192\.168|fe80/);
    expect(event.message).toContain('[ip]');
    expect(errorEvent({ name: 'OverconstrainedError', constraint: 'deviceId', message: 'x' }, 'getUserMedia').message).toBe('constraint=deviceId');
    expect(errorEvent('plain string', 'app')).toMatchObject({ name: 'Error', message: 'plain string' });
    expect(errorEvent({ name: 'bad name with spaces' }, 'app').name).toBe('Error');
    expect(errorEvent(null, 'app').message?.length).toBeLessThanOrEqual(200);
  });

  it('redacts addresses glued to other text or written with dashes', () => {
    const message = errorEvent(new Error('relay 198.51.100.7_5000 via x10.9.8.7 on ip-10-1-2-3.ec2.internal'), 'app').message ?? '';
    expect(message).toBe('relay [ip]_5000 via x[ip] on ip-[ip].ec2.internal');
    // IPv6 forms (full, shortened, mapped) and fingerprints still go.
    const six = errorEvent(new Error('a 2001:0db8:85a3:0000:0000:8a2e:0370:7334 b ::1 c ::ffff:192.0.2.1 d AB:CD:EF:01'), 'app').message;
    expect(six).toBe('a [ip] b [ip] c [ip][ip] d [ip]');
  });

  it('redacts before cutting, and the shortened IPv6 forms too', () => {
    // An address straddling the 200th character is not left half there.
    const cut = errorEvent(new Error(`${'x'.repeat(191)} 192.168.1.20 rest`), 'app').message ?? '';
    expect(cut).not.toMatch(/192|168/);
    for (const address of ['::1', '[::]:3478', '2001:db8::', '::ffff:10.0.0.1']) {
      expect(errorEvent(new Error(`bind ${address} failed`), 'app').message, address).not.toMatch(/::|db8|10\.0/);
    }
  });
});

describe('batch envelope', () => {
  it('waits for the hashed identity, and stamps consent and the sample rate', async () => {
    const bodies: ReportBatch[] = [];
    let resolveReady: (v: unknown) => void = () => undefined;
    const identity = {
      tenant: 't', sessionId: 's', callId: 'c', participantId: 'raw-id', meta: { browser: 'chrome', os: 'linux' },
      sampleRate: 0.25, consent: () => 'granted',
    };
    const r = createReporter(identity, (body) => (bodies.push(JSON.parse(body) as ReportBatch), Promise.resolve({ ok: true })), {
      batchMax: 10, queueMax: 10, maxAttempts: 3, now: () => 0, draw: () => 0.5,
      ready: new Promise((resolve) => (resolveReady = resolve)).then(() => (identity.participantId = 'hashed')),
    });
    r.addEvent({ ts: 1, type: 'session.start' });
    const flushed = r.flush();
    expect(bodies).toHaveLength(0);
    resolveReady(undefined);
    await flushed;
    expect(bodies[0]).toMatchObject({ participantId: 'hashed', consent: 'granted', sampleRate: 0.25 });
  });
});

describe('options held to the wire limits', () => {
  it('stamps a sampleRate above 1 as 1, so the collector does not refuse every batch', async () => {
    const bodies: ReportBatch[] = [];
    const pulse = createRtcPulse(
      { endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', sampleRate: 100, maxBatchSamples: 5000 },
      (body) => (bodies.push(JSON.parse(body) as ReportBatch), Promise.resolve({ ok: true })),
    );
    pulse.start();
    await pulse.stop();
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(Value.Errors(ReportBatchSchema, body).First()?.message).toBeUndefined();
    expect(bodies[0]?.sampleRate).toBe(1);
  });
});

describe('session end on idle (runbook entry 10)', () => {
  /** The parts of a peer connection the session reads, in a state the test sets. */
  function fakePc(connectionState: string) {
    return {
      connectionState, iceConnectionState: 'new', iceGatheringState: 'new', signalingState: 'stable',
      getStats: () => Promise.resolve(new Map()), getSenders: () => [], getReceivers: () => [], getTransceivers: () => [],
      addEventListener: () => undefined, removeEventListener: () => undefined,
    };
  }

  it('waits while a connection is still new (a lobby), ends with error once it failed for the idle timeout, and sends later events at once', async () => {
    vi.useFakeTimers();
    try {
      const bodies: ReportBatch[] = [];
      const pulse = createRtcPulse(
        { endpoint: '/v1/reports', tenant: 't', callId: 'c', participantId: 'p', intervalMs: 1000, idleTimeoutMs: 5000, hashIds: false },
        (body) => (bodies.push(JSON.parse(body) as ReportBatch), Promise.resolve({ ok: true })),
      );
      const pc = fakePc('new');
      pulse.observe(pc as unknown as RTCPeerConnection);
      pulse.start();
      await vi.advanceTimersByTimeAsync(60_000);
      const ends = () => bodies.flatMap((b) => b.events).filter((e) => e.type === 'session.end');
      expect(ends()).toEqual([]);
      pc.connectionState = 'failed';
      await vi.advanceTimersByTimeAsync(7000);
      expect(ends()).toMatchObject([{ name: 'error' }]);
      // No timer runs after the end: an event recorded now is sent at once, not left in the queue.
      pulse.audit('screenshare.start');
      await vi.advanceTimersByTimeAsync(0);
      expect(bodies.at(-1)?.events).toMatchObject([{ type: 'audit', name: 'screenshare.start' }]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('fetch sender', () => {
  it('resolves a retryable failure, never rejects, when fetch itself throws (bad URL) or nothing listens', async () => {
    await expect(createFetchSender('http://[bad')('{}', false)).resolves.toEqual({ ok: false, retryable: true });
    await expect(createFetchSender('http://127.0.0.1:9/v1/reports')('{}', false)).resolves.toEqual({ ok: false, retryable: true });
  });

  it('gives up on a collector that accepts the request and never answers, as a retryable failure', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      await expect(createFetchSender(`http://127.0.0.1:${port}/v1/reports`, 300)('{}', false)).resolves.toEqual({ ok: false, retryable: true });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('the degraded classification', () => {
  it('uses the thresholds of the registry, which the dashboards and the SLO read (the SDK keeps its own copies to stay small)', () => {
    const meaning = (text: string): number | undefined => RUNBOOK_THRESHOLDS.find((t) => t.meaning.startsWith(text))?.value;
    expect(DEGRADED_MOS).toBe(meaning('an interval under this MOS is degraded'));
    expect(DEGRADED_FREEZE_PCT).toBe(meaning('an interval with this much frozen video'));
    expect(DEGRADED_SESSION_PCT).toBe(meaning('a session with this share of degraded intervals'));
  });
});
