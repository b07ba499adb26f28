import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { serverEventsConfig } from '../src/server-events/config.js';
import { appOn, removeDir, scrapeMetrics, select, tempDataDir, TEST_SERVER_KEY, TEST_TENANTS } from './fixtures.js';
import {
  S0,
  SERVER_KEYS,
  TEST_PRICING,
  nodeReport,
  parsePrometheus,
  postServer,
  recordingEvent,
  sfuReport,
  turnReport,
} from './server-fixtures.js';

let app: CollectorApp;
let dataDir: string;
const READ_ONLY_KEY = 'reader-co-server-key-0123456789';
const SLOW_KEY = 'slow-co-server-key-0123456789';

beforeAll(async () => {
  dataDir = await tempDataDir();
  app = await appOn(dataDir, {
    // The test tenants, plus one whose only server key may read but not send events.
    security: {
      tenants: {
        tenants: [
          ...TEST_TENANTS.tenants,
          { id: 'reader-co', publicKeys: [], serverKeys: [{ id: 'reader', key: READ_ONLY_KEY, scopes: ['read'] }] },
          { id: 'slow-co', publicKeys: [], serverKeys: [{ id: 'slow', key: SLOW_KEY, scopes: ['events'], rateLimit: { perSecond: 0.1, burst: 2 } }] },
        ],
      },
    },
    serverEvents: serverEventsConfig(SERVER_KEYS, TEST_PRICING),
    telemetry: { serviceName: 'rtcpulse-test', cardinalityLimit: 2000 },
  });
});
afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

const count = async (where: string): Promise<number> => {
  const [row] = await select<{ n: number | string }>(app, `SELECT count() AS n FROM server_events WHERE ${where}`);
  return Number(row?.n);
};

describe('server key authentication', () => {
  it('refuses a missing or unknown key with 401 before reading the body, and stores nothing', async () => {
    for (const key of [null, 'not-a-configured-key-at-all']) {
      const response = await postServer(app, 'turn', '{ this is not even JSON', key);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.json().message).toMatch(/server key/);
    }
    const basic = await app.inject({
      method: 'POST',
      url: '/v1/server/turn',
      headers: { authorization: `Basic ${Buffer.from(`acme:${SERVER_KEYS[0].key}`).toString('base64')}` },
      payload: turnReport({ nodeId: 'basic-auth' }),
    });
    expect(basic.statusCode).toBe(401);
    expect(await count(`node_id = 'basic-auth'`)).toBe(0);
  });

  it('takes a server key of the tenants file with the events scope too, for its own tenant only', async () => {
    const accepted = await postServer(app, 'turn', turnReport({ nodeId: 'tenants-file-key', region: 'tenants-file-test' }), TEST_SERVER_KEY);
    expect(accepted.statusCode, accepted.body).toBe(202);
    expect(await count(`node_id = 'tenants-file-key' AND tenant = 'acme-public-key'`)).toBe(1);
    const readOnly = await postServer(app, 'turn', turnReport({ nodeId: 'read-only-key', region: 'tenants-file-test' }), READ_ONLY_KEY);
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json().message).toMatch(/lacks the "events" scope/);
    expect(await count(`node_id = 'read-only-key'`)).toBe(0);
  });

  it("holds a server key to its rate limit: 429 with Retry-After past the burst, nothing stored", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await postServer(app, 'turn', turnReport({ nodeId: `slow-${i}`, region: 'rate-limit-test' }), SLOW_KEY)).statusCode);
    expect(statuses).toEqual([202, 202, 429]);
    const refused = await postServer(app, 'turn', turnReport({ nodeId: 'slow-3', region: 'rate-limit-test' }), SLOW_KEY);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await count(`node_id IN ('slow-2', 'slow-3')`)).toBe(0);
  });

  it('audits each refusal with its route, and the key it knows, like every other server route', async () => {
    await postServer(app, 'sfu', '{}', 'not-a-configured-key-at-all');
    await postServer(app, 'node', '{}', READ_ONLY_KEY);
    await app.audit.flush();
    const audited = await select<Record<string, unknown>>(
      app,
      `SELECT tenant, route, reason, actor_kind, outcome FROM audit_log
       WHERE action = 'auth.failure' AND route IN ('POST /v1/server/sfu', 'POST /v1/server/node') ORDER BY route`,
    );
    expect(audited).toEqual([
      { tenant: 'reader-co', route: 'POST /v1/server/node', reason: 'this key lacks the "events" scope', actor_kind: 'server_key', outcome: 'failure' },
      { tenant: '_unknown', route: 'POST /v1/server/sfu', reason: 'unknown server key', actor_kind: 'anonymous', outcome: 'failure' },
    ]);
  });

  it('takes RTCPULSE_SERVER_KEYS-style tenant:key keys: stored under their tenant, registered with their own id, scope and default limit', async () => {
    const accepted = await postServer(app, 'turn', turnReport({ nodeId: 'entry-key', region: 'entry-key-test' }), SERVER_KEYS[1].key);
    expect(accepted.statusCode, accepted.body).toBe(202);
    expect(await count(`node_id = 'entry-key' AND tenant = 'globex'`)).toBe(1);
    expect(app.tenants.serverKey(SERVER_KEYS[1].key)).toMatchObject({ keyId: 'RTCPULSE_SERVER_KEYS[2]', scopes: ['events'], rateLimit: { perSecond: 200, burst: 400 } });
  });

  it('refuses to start with a key given both in the tenants file and as tenant:key, before opening its store', async () => {
    const twice = serverEventsConfig([{ tenant: 'acme-public-key', key: TEST_SERVER_KEY }]);
    // chdb opens one data directory per process: had the store been opened, this would fail on that instead.
    await expect(appOn(`${dataDir}-never-opened`, { serverEvents: twice })).rejects.toThrow(/server key "RTCPULSE_SERVER_KEYS\[1\]" is defined twice/);
  });

  it('opens the cost and recording queries to read keys too, scoped to their own tenant', async () => {
    for (const path of ['cost', 'recordings']) {
      const response = await app.inject({
        method: 'GET',
        url: `/v1/server/${path}?from=0&to=${S0 + 3_600_000}`,
        headers: { authorization: `Bearer ${READ_ONLY_KEY}` },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const usage = async (key: string) =>
      (await app.inject({ method: 'GET', url: `/v1/server/cost?from=0&to=${S0 + 3_600_000}`, headers: { authorization: `Bearer ${key}` } })).json<{
        usage: { turnGb: number };
      }>().usage;
    // The TURN report stored above under acme-public-key shows for its key, and never for reader-co, which reported nothing.
    expect((await usage(TEST_SERVER_KEY)).turnGb).toBeGreaterThan(0);
    expect((await usage(READ_ONLY_KEY)).turnGb).toBe(0);
  });

  it('refuses the read routes without a key too', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/server/cost?from=0&to=${S0}` });
    expect(response.statusCode).toBe(401);
  });
});

describe('validation', () => {
  it.each([
    ['sfu', { ...sfuReport({ nodeId: 'bad-1' }), egress: [{ ...sfuReport().egress[0], bytes: 'many' }] }, 'body/egress/0/bytes must be number'],
    ['sfu', { ...sfuReport({ nodeId: 'bad-2' }), forwarded: [{ kind: 'screen', layer: 'f', streams: 1 }] }, 'body/forwarded/0/kind'],
    ['turn', { ...turnReport({ nodeId: 'bad-3' }), allocations: -1 }, 'body/allocations'],
    ['turn', { ...turnReport({ nodeId: 'bad-4' }), tenant: 'globex' }, 'body/tenant is not a known property'],
    ['recordings', { ...recordingEvent({ jobId: 'bad-5' }), state: 'paused' }, 'body/state must be one of'],
    ['node', { ...nodeReport({ nodeId: 'bad-6' }), usage: { cpuCores: 2, cpuUtilizationPct: 140, memoryUsedBytes: 1 } }, 'body/usage/cpuUtilizationPct'],
    ['turn', turnReport({ nodeId: 'bad-7', ts: Date.UTC(2400, 0, 1) }), 'body/ts must be a time between 1970 and 2299'],
  ])('POST /v1/server/%s answers 400 naming the field (%s)', async (path, body, message) => {
    const response = await postServer(app, path, body);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
    expect(await count(`node_id LIKE 'bad-%' OR job_id = 'bad-5'`)).toBe(0);
  });
});

describe('storage and cost', () => {
  beforeAll(async () => {
    const posts: [string, unknown][] = [
      ['sfu', sfuReport()],
      ['turn', turnReport()],
      ['node', nodeReport()],
      ['recordings', recordingEvent()],
      ['recordings', recordingEvent({ ts: S0 + 31 * 60_000, state: 'finished', durationMs: 30 * 60_000, bytes: 2e9 })],
      ['recordings', recordingEvent({ jobId: 'job-2', state: 'started' })],
      ['recordings', recordingEvent({ jobId: 'job-2', state: 'failed', reason: 'disk_full', durationMs: 5 * 60_000 })],
    ];
    for (const [path, body] of posts) {
      const response = await postServer(app, path, body);
      expect(response.statusCode, `${path}: ${response.body}`).toBe(202);
    }
    // The same SFU report and finished recording again, as retries: stored once, counted once.
    expect((await postServer(app, 'sfu', sfuReport())).statusCode).toBe(202);
    expect((await postServer(app, 'recordings', recordingEvent({ ts: S0 + 31 * 60_000, state: 'finished', durationMs: 30 * 60_000, bytes: 2e9 }))).statusCode).toBe(202);
  });

  it('stores one row per report part, under the key\'s tenant, once per report', async () => {
    const rows = await select<{ kind: string; n: number | string }>(
      app,
      `SELECT kind, count() AS n FROM server_events WHERE tenant = 'acme' GROUP BY kind ORDER BY kind`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]))).toEqual({
      node: 2,
      recording: 4,
      sfu: 1,
      'sfu.egress': 4,
      'sfu.forwarded': 3,
      turn: 1,
    });
    const [egress] = await select<Record<string, unknown>>(
      app,
      `SELECT session_id, receiver_id, media_kind, layer, sfu_egress_bytes, region, service
       FROM server_events WHERE kind = 'sfu.egress' AND receiver_id = 'bob' AND layer = 'q'`,
    );
    expect(egress).toEqual({
      session_id: 'call-42',
      receiver_id: 'bob',
      media_kind: 'video',
      layer: 'q',
      sfu_egress_bytes: 2e6,
      region: 'eu-west',
      service: 'sfu',
    });
  });

  it('decomposes cost per participant-hour into CPU, RAM, egress and storage', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/server/cost?from=${S0}&to=${S0 + 3_600_000}`,
      headers: { authorization: `Bearer ${SERVER_KEYS[0].key}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    const close = (value: number) => expect.closeTo(value, 9);
    expect(body.usage).toEqual({
      cpuHours: close(0.1), // (2 + 4) vCPU for one minute
      ramGbHours: close(0.2), // (4 + 8) GB for one minute
      egressGb: close(0.033),
      turnGb: close(0.05),
      storedGb: close(2),
      participantHours: close(1 / 6),
    });
    expect(body.cost).toEqual({
      cpu: close(0.005),
      ram: close(0.002),
      egress: close(0.0133),
      storage: close(0.12),
      total: close(0.1403),
      turn: close(0.01),
    });
    expect(body.perParticipantHour).toEqual({
      cpu: close(0.03),
      ram: close(0.012),
      egress: close(0.0798),
      storage: close(0.72),
      total: close(0.8418),
      turn: close(0.06),
    });
    expect(body.egressByLayer).toEqual([
      { kind: 'audio', layer: '0', gb: close(0.001), gbPerParticipantHour: close(0.006) },
      { kind: 'video', layer: 'f', gb: close(0.03), gbPerParticipantHour: close(0.18) },
      { kind: 'video', layer: 'q', gb: close(0.002), gbPerParticipantHour: close(0.012) },
    ]);
  });

  it('reports the recording success rate, scoped to the key\'s tenant', async () => {
    const query = (key: string) =>
      app.inject({
        method: 'GET',
        url: `/v1/server/recordings?from=${S0}&to=${S0 + 3_600_000}`,
        headers: { authorization: `Bearer ${key}` },
      });
    expect((await query(SERVER_KEYS[0].key)).json()).toMatchObject({ started: 2, finished: 1, failed: 1, successRate: 0.5 });
    expect((await query(SERVER_KEYS[1].key)).json()).toMatchObject({ started: 0, finished: 0, failed: 0, successRate: null });
    // A reversed or empty range is a mistake, said so, not zero usage.
    const reversed = await app.inject({ method: 'GET', url: `/v1/server/cost?from=${S0 + 3_600_000}&to=${S0}`, headers: { authorization: `Bearer ${SERVER_KEYS[0].key}` } });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json<{ message: string }>().message).toMatch(/from .* must be before querystring\/to/);
  });

  it('exports the reports as registry metrics on /metrics', async () => {
    const families = parsePrometheus((await scrapeMetrics(app)).body);
    const value = (family: string, labels: Record<string, string>, series = family) =>
      families
        .get(family)
        ?.samples.find((s) => s.name === series && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('webrtc_turn_allocations', { region: 'eu-west' })).toBe(4);
    expect(value('webrtc_sfu_participants', { region: 'eu-west' })).toBe(10);
    expect(value('webrtc_sfu_forwarded_streams', { media_kind: 'video', layer: 'f' })).toBe(6);
    // The retried SFU report and recording count once, as the table stores them once.
    expect(value('webrtc_sfu_egress_total', { media_kind: 'video', layer: 'f' })).toBe(30e6);
    expect(value('webrtc_turn_relayed_total', { region: 'eu-west' })).toBe(50e6);
    expect(value('webrtc_recording_jobs_total', { outcome: 'succeeded' })).toBe(1);
    expect(value('webrtc_recording_jobs_total', { outcome: 'failed' })).toBe(1);
    expect(value('webrtc_recording_jobs_total', { outcome: 'started' })).toBe(2);
    expect(value('webrtc_cost_storage_total', { webrtc_service: 'recorder' })).toBeCloseTo(0.12, 9);
    expect(value('webrtc_cost_egress_total', { webrtc_service: 'turn' })).toBeCloseTo(0.01, 9);
    expect(value('webrtc_server_memory_usage', { webrtc_service: 'recorder' })).toBe(8e9);
    expect(value('webrtc_server_cpu_utilization', { webrtc_service: 'sfu' }, 'webrtc_server_cpu_utilization_count')).toBe(1);
  });
  it('counts a report once when its first post failed after the insert, and when the same report is posted twice at once', async () => {
    const scrape = async () => parsePrometheus((await scrapeMetrics(app)).body);
    const value = (families: Awaited<ReturnType<typeof scrape>>, family: string, labels: Record<string, string>) =>
      families.get(family)?.samples.find((s) => s.name === family && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;
    const before = await scrape();
    // The audit append fails once after the row is stored: 5xx, and the recorder's retry finds the row already there.
    const append = app.audit.append.bind(app.audit);
    let failures = 1;
    app.audit.append = (records) => (failures-- > 0 ? Promise.reject(new Error('ClickHouse went away')) : append(records));
    const finished = recordingEvent({ jobId: 'job-retry', ts: S0 + 40 * 60_000, state: 'finished', durationMs: 60_000, bytes: 1e9 });
    expect((await postServer(app, 'recordings', finished)).statusCode).toBe(500);
    expect((await postServer(app, 'recordings', finished)).statusCode).toBe(202);
    app.audit.append = append;
    // The same SFU report twice at once: stored once, counted once.
    const twin = sfuReport({ nodeId: 'sfu-twin', ts: S0 + 45 * 60_000 });
    const answers = await Promise.all([postServer(app, 'sfu', twin), postServer(app, 'sfu', twin)]);
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202]);
    const after = await scrape();
    expect(value(after, 'webrtc_recording_jobs_total', { outcome: 'succeeded' }) - value(before, 'webrtc_recording_jobs_total', { outcome: 'succeeded' })).toBe(1);
    expect(value(after, 'webrtc_cost_storage_total', { webrtc_service: 'recorder' }) - value(before, 'webrtc_cost_storage_total', { webrtc_service: 'recorder' })).toBeCloseTo(0.06, 9);
    expect(value(after, 'webrtc_sfu_egress_total', { media_kind: 'video', layer: 'f' }) - value(before, 'webrtc_sfu_egress_total', { media_kind: 'video', layer: 'f' })).toBe(30e6);
  });

  it('bills a recording announced as finished twice once, and judges each job by its last end report', async () => {
    const headers = { authorization: `Bearer ${SERVER_KEYS[0].key}` };
    const range = `from=${S0}&to=${S0 + 3_600_000}`;
    const usage = async () => (await app.inject({ method: 'GET', url: `/v1/server/cost?${range}`, headers })).json<{ usage: { storedGb: number } }>().usage;
    const outcomes = async () => (await app.inject({ method: 'GET', url: `/v1/server/recordings?${range}`, headers })).json();
    const storedBefore = (await usage()).storedGb;
    const counter = async (family: string, labels: Record<string, string>) =>
      parsePrometheus((await scrapeMetrics(app)).body).get(family)?.samples.find((s) => s.name === family && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;
    const succeededBefore = await counter('webrtc_recording_jobs_total', { outcome: 'succeeded' });
    // A restarted recorder announces job-1's end again (a new report, not a retry); job-2, which failed, is retried and finishes.
    const again = [
      recordingEvent({ ts: S0 + 33 * 60_000, state: 'finished', durationMs: 30 * 60_000, bytes: 2e9 }),
      recordingEvent({ jobId: 'job-2', ts: S0 + 34 * 60_000, state: 'finished', durationMs: 6 * 60_000, bytes: 0.5e9 }),
    ];
    for (const body of again) expect((await postServer(app, 'recordings', body)).statusCode).toBe(202);
    expect((await usage()).storedGb - storedBefore).toBeCloseTo(0.5, 9);
    expect(await outcomes()).toMatchObject({ finished: 3, failed: 0, successRate: 1 });
    // Cut in two where job-1's first end is in one part and its last in the other: the parts add up to the whole, job-1 once.
    const storedIn = async (from: number, to: number) =>
      (await app.inject({ method: 'GET', url: `/v1/server/cost?from=${from}&to=${to}`, headers })).json<{ usage: { storedGb: number } }>().usage.storedGb;
    const cut = S0 + 32 * 60_000;
    expect((await storedIn(S0, cut)) + (await storedIn(cut, S0 + 3_600_000))).toBeCloseTo(await storedIn(S0, S0 + 3_600_000), 9);
    // The counters count each job's first end this instance saw: neither end report counts again.
    expect(await counter('webrtc_recording_jobs_total', { outcome: 'succeeded' })).toBe(succeededBefore);
  });
});
