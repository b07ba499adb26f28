import { beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { countsFor, makeBatch, onAppPerFile, postBatch, select, T0, TEST_SERVER_KEY } from './fixtures.js';

let app: CollectorApp;
onAppPerFile((started) => (app = started));

const post = (body: unknown, headers: Record<string, string> = {}) => postBatch(app, body, headers);

type Json = Record<string, unknown>;
const REMOVE = Symbol('remove');

/** A valid batch as plain JSON with the value at a dotted path replaced (or removed), to break it on purpose. */
function brokenBatch(sessionId: string, path: string, value: unknown): Json {
  const body = JSON.parse(JSON.stringify(makeBatch({ sessionId }))) as Json;
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce((node, key) => node[key] as Json, body);
  if (value === REMOVE) delete parent[last];
  else parent[last] = value;
  return body;
}

describe('POST /v1/reports with a valid batch', () => {
  beforeAll(async () => {
    const response = await post(makeBatch({ sessionId: 'valid' }));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: { samples: 10, events: 6 }, durable: 'stored' });
  });

  it('stores exactly one row per peer connection per sample, with the session metadata', async () => {
    const rows = await select<Record<string, unknown>>(
      app,
      `SELECT pc_id, seq, count() AS n, any(tenant) AS tenant, any(call_id) AS call_id,
              any(participant_id) AS participant_id, any(browser) AS browser, any(browser_version) AS browser_version,
              any(os) AS os, any(region) AS region, any(topology) AS topology, any(sdk_version) AS sdk_version
       FROM samples WHERE session_id = 'valid' GROUP BY pc_id, seq ORDER BY pc_id, seq`,
    );
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => `${String(r.pc_id)}#${String(r.seq)}`)).toEqual([
      ...[0, 1, 2, 3, 4].map((s) => `pc-a#${s}`),
      ...[0, 1, 2, 3, 4].map((s) => `pc-b#${s}`),
    ]);
    for (const row of rows) {
      expect(Number(row.n)).toBe(1);
      expect(row).toMatchObject({
        tenant: 'acme-public-key',
        call_id: 'call-42',
        participant_id: 'alice',
        browser: 'chrome',
        browser_version: '156',
        os: 'linux',
        region: 'eu-west',
        topology: 'p2p',
        sdk_version: '0.1.0',
      });
    }
  });

  it('stores connection, stream and label values, null where a metric was absent', async () => {
    const [row] = await select<Record<string, unknown>>(
      app,
      `SELECT toUnixTimestamp64Milli(ts) AS ts_ms, dur_ms, rtt_ms, bytes_sent, audio_out_rtt_ms, video_in_freeze_count,
              video_in_freeze_time_pct, audio_in_packet_loss_pct, video_out_packet_loss_pct, local_candidate_type,
              relay_protocol, quality_limitation_reason
       FROM samples WHERE session_id = 'valid' AND pc_id = 'pc-b' AND seq = 3`,
    );
    expect(row).toEqual({
      ts_ms: expect.anything(),
      dur_ms: 2000,
      rtt_ms: 53,
      bytes_sent: 313_000,
      audio_out_rtt_ms: 54,
      video_in_freeze_count: 1,
      video_in_freeze_time_pct: 12.5,
      audio_in_packet_loss_pct: 1.5,
      video_out_packet_loss_pct: null,
      local_candidate_type: 'relay',
      relay_protocol: 'udp',
      quality_limitation_reason: 'none',
    });
    expect(Number(row?.ts_ms)).toBe(T0 + 3 * 2000);
  });

  it('stores the events and the batch with its dropped counts', async () => {
    const events = await select<Record<string, unknown>>(
      app,
      `SELECT pc_id, type, state, value, name, stage, message, browser FROM events WHERE session_id = 'valid' ORDER BY ts`,
    );
    expect(events).toHaveLength(6);
    expect(events[0]).toMatchObject({ pc_id: '', type: 'session.start', value: null, browser: 'chrome' });
    expect(events.find((e) => e.type === 'ice.pair.formed')).toMatchObject({ pc_id: 'pc-a', value: 182 });
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      name: 'OperationError',
      stage: 'setRemoteDescription',
      message: 'bad sdp',
    });
    const batches = await select<Record<string, unknown>>(
      app,
      `SELECT batch_seq, sample_count, event_count, dropped_samples, dropped_events FROM batches WHERE session_id = 'valid'`,
    );
    expect(batches.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Number(v)])))).toEqual([
      { batch_seq: 0, sample_count: 10, event_count: 6, dropped_samples: 2, dropped_events: 0 },
    ]);
  });

  it('reads the session back through GET /v1/sessions/:id/samples, scoped by tenant', async () => {
    const auth = { authorization: `Bearer ${TEST_SERVER_KEY}` };
    const own = await app.inject({ url: '/v1/sessions/valid/samples?tenant=acme-public-key', headers: auth });
    expect(own.statusCode).toBe(200);
    const body = own.json<{ samples: Record<string, unknown>[] }>();
    expect(body.samples).toHaveLength(10);
    expect(body.samples[0]).toMatchObject({ pc_id: 'pc-a', seq: 0, ts_ms: T0, rtt_ms: 40, call_id: 'call-42' });
    expect(own.json()).toMatchObject({ total: 10 });
    expect(own.json()).not.toHaveProperty('nextOffset');
    // Paged: every row once, in order, and a last page that says nothing follows.
    const page = async (offset: number) =>
      (await app.inject({ url: `/v1/sessions/valid/samples?tenant=acme-public-key&limit=4&offset=${offset}`, headers: auth })).json<{
        total: number; nextOffset?: number; samples: Record<string, unknown>[];
      }>();
    const pages = [await page(0), await page(4), await page(8)];
    expect(pages.map((p) => [p.samples.length, p.nextOffset, p.total])).toEqual([[4, 4, 10], [4, 8, 10], [2, undefined, 10]]);
    expect(pages.flatMap((p) => p.samples)).toEqual(body.samples);
    const other = await app.inject({ url: '/v1/sessions/valid/samples?tenant=someone-else', headers: auth });
    expect(other.statusCode).toBe(403);
    const noTenant = await app.inject({ url: '/v1/sessions/valid/samples', headers: auth });
    expect(noTenant.statusCode).toBe(400);
    expect(noTenant.json<{ message: string }>().message).toBe('querystring/tenant is required');
  });
});

describe('client facts from the User-Agent header', () => {
  const firefoxOnMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0';
  const stored = async (sessionId: string) =>
    select<Json>(app, `SELECT DISTINCT browser, browser_version, os, region FROM samples WHERE session_id = {id:String}`, { id: sessionId });

  it('fills browser, version and OS from the header when the batch has none (what the browser SDK sends)', async () => {
    const body = brokenBatch('ua-filled', 'meta', { region: 'eu-west' });
    const response = await post(body, { 'user-agent': firefoxOnMac });
    expect(response.statusCode, response.body).toBe(202);
    expect(await stored('ua-filled')).toEqual([{ browser: 'firefox', browser_version: '132', os: 'macos', region: 'eu-west' }]);
  });

  it("keeps the batch's own (an imported dump's) and reduces an empty header to other", async () => {
    expect((await post(makeBatch({ sessionId: 'ua-own' }), { 'user-agent': firefoxOnMac })).statusCode).toBe(202);
    expect(await stored('ua-own')).toEqual([{ browser: 'chrome', browser_version: '156', os: 'linux', region: 'eu-west' }]);
    expect((await post(brokenBatch('ua-none', 'meta', {}), { 'user-agent': '' })).statusCode).toBe(202);
    expect(await stored('ua-none')).toEqual([{ browser: 'other', browser_version: '', os: 'other', region: '' }]);
  });
});

describe('POST /v1/reports with an invalid batch', () => {
  const cases: [string, string, unknown, string][] = [
    ['a number sent as a string', 'samples.3.conn.rtt_ms', '12', 'body/samples/3/conn/rtt_ms must be number'],
    ['a wrongly typed meta field', 'meta.browser', 5, 'body/meta/browser must be string'],
    ['an unknown metric key', 'samples.0.conn.mos', 4.2, 'body/samples/0/conn/mos is not a known property'],
    [
      'a metric on a stream it does not apply to',
      'samples.1.streams.video_out.freeze_count',
      1,
      'body/samples/1/streams/video_out/freeze_count is not a known property',
    ],
    ['a missing required field', 'callId', REMOVE, 'body/callId is required'],
    ['an unknown event type', 'events.2.type', 'pc.exploded', 'body/events/2/type must be one of "session.start"'],
    ['a wrong report version', 'v', 2, 'body/v must be 1'],
  ];

  it.each(cases)('rejects %s with 400 naming the field and writes nothing', async (name, path, value, message) => {
    const sessionId = `invalid-${name.replaceAll(' ', '-')}`;
    const response = await post(brokenBatch(sessionId, path, value));
    expect(response.statusCode).toBe(400);
    const answer = response.json<{ error: string; message: string }>();
    expect(answer.error).toBe('Bad Request');
    expect(answer.message.slice(0, message.length)).toBe(message);
    expect(await countsFor(app, sessionId)).toEqual({ samples: 0, events: 0, batches: 0 });
  });

  it('rejects a timestamp ClickHouse cannot store, naming it', async () => {
    const response = await post(brokenBatch('far-future', 'samples.4.ts', Date.UTC(2400, 0, 1)));
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toMatch(/^body\/samples\/4\/ts /);
    expect(await countsFor(app, 'far-future')).toEqual({ samples: 0, events: 0, batches: 0 });
  });

  it('rejects text with a lone surrogate escape, naming where (stored, it would turn into U+FFFD), and keeps escaped pairs', async () => {
    const batch = makeBatch({ sessionId: 'lone-surrogate', callId: 'call-x' });
    const send = (text: string) =>
      app.inject({ method: 'POST', url: `/v1/reports?key=${encodeURIComponent(batch.tenant)}`, headers: { 'content-type': 'application/json' }, payload: text });
    const lone = await send(JSON.stringify(batch).replace('"call-x"', '"call-\\ud800"'));
    expect(lone.statusCode).toBe(400);
    expect(lone.json<{ message: string }>().message).toBe('body/callId is not well-formed Unicode (a lone surrogate escape such as \\ud800)');
    const lowOnly = await send(JSON.stringify({ ...batch, events: [{ ts: T0, type: 'audit', name: 'join', state: 'x' }] }).replace('"state":"x"', '"state":"\\udc00"'));
    expect(lowOnly.json<{ message: string }>().message).toMatch(/^body\/events\/0\/state is not well-formed Unicode/);
    expect(await countsFor(app, 'lone-surrogate')).toEqual({ samples: 0, events: 0, batches: 0 });
    // A pair written as escapes (🎥) is well formed and stored as sent.
    const paired = await send(JSON.stringify(batch).replace('"call-x"', '"call-\\ud83c\\udfa5"'));
    expect(paired.statusCode).toBe(202);
    const [row] = await select<{ call_id: string }>(app, `SELECT any(call_id) AS call_id FROM samples WHERE session_id = 'lone-surrogate'`);
    expect(row?.call_id).toBe('call-🎥');
  });

  it('rejects malformed JSON, unsupported content types and oversized bodies', async () => {
    const malformed = await post('{"v":1,');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ message: string }>().message).toMatch(/^body is not valid JSON: /);
    // A beacon's text/plain body is JSON too, and its refusal does not speak of application/json.
    const beacon = await post('{"v":1,', { 'content-type': 'text/plain;charset=UTF-8' });
    expect(beacon.json<{ message: string }>().message).toMatch(/^body is not valid JSON: /);
    expect((await post('', { 'content-type': 'text/plain' })).json<{ message: string }>().message).toBe('body is empty');
    expect((await post('<report/>', { 'content-type': 'application/xml' })).statusCode).toBe(415);
    const huge = await post(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json<{ error: string }>().error).toBe('Payload Too Large');
  });
});
