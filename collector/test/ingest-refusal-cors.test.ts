import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantsConfig } from '../src/auth/tenants.js';
import type { CollectorApp } from '../src/index.js';
import { appOn, countsFor, makeBatch, removeDir, tempDataDir } from './fixtures.js';

/** The page's origin, on the allow-list of `pk_site` only. */
const SITE = 'https://app.site.test';
const OTHER = 'https://other.test';
const SERVER_KEY = 'sk_site_0123456789abcdef';
/** A spool this small takes a normal batch but not a 150-sample one: that one gets 503. */
const SPOOL_BYTES = 48 * 1024;

const TENANTS: TenantsConfig = {
  tenants: [
    {
      id: 'site',
      publicKeys: [
        { key: 'pk_site', origins: [SITE] },
        { key: 'pk_tiny', origins: ['*'], rateLimit: { perSecond: 0.001, burst: 1 } },
      ],
      serverKeys: [{ id: 'ops', key: SERVER_KEY, scopes: ['read', 'events'] }],
    },
  ],
};

let app: CollectorApp;
let dataDir: string;

beforeAll(async () => {
  dataDir = await tempDataDir();
  app = await appOn(dataDir, { security: { tenants: TENANTS }, ingest: { spoolMaxBytes: SPOOL_BYTES } });
});
afterAll(async () => {
  await app.close();
  await removeDir(dataDir);
});

/** A browser's simple request: `text/plain`, the key in the URL, the page's `Origin`. */
const post = (url: string, payload: string | Buffer, origin: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain;charset=UTF-8', origin, ...headers }, payload });
const batch = (tenant: string, sessionId: string) => JSON.stringify(makeBatch({ tenant, sessionId }));

/** What a browser needs to hand the status (and `Retry-After`) to the page: its origin reflected, never `*`, no credentials. */
function expectReadableBy(response: LightMyRequestResponse, origin: string): void {
  expect(response.headers).toMatchObject({
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'Retry-After',
    vary: 'Origin',
  });
  expect(response.headers['access-control-allow-credentials']).toBeUndefined();
}

describe('refusals on the browser ingest route are readable by the page that sent them', () => {
  it('401: no key, an unknown key, or a server key sent as the ingest key', async () => {
    const missing = await post('/v1/reports', batch('pk_site', 'no-key'), SITE);
    expect(missing.statusCode).toBe(401);
    expectReadableBy(missing, SITE);
    const unknown = await post('/v1/reports?key=pk_nobody', batch('pk_nobody', 'unknown-key'), OTHER);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual({ error: 'Unauthorized', message: 'unknown ingest key' });
    expectReadableBy(unknown, OTHER);
    const serverKey = await post('/v1/reports', batch('pk_site', 'server-key'), SITE, { authorization: `Bearer ${SERVER_KEY}` });
    expect(serverKey.statusCode).toBe(401);
    expectReadableBy(serverKey, SITE);
  });

  it('403: an origin off the key allow-list can read the refusal, and nothing it sent is stored', async () => {
    const refused = await post('/v1/reports?key=pk_site', batch('pk_site', 'off-list'), OTHER);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: 'Forbidden', message: `origin ${OTHER} is not allowed for this ingest key` });
    expectReadableBy(refused, OTHER);
    // The same batch from the allowed origin is stored: the refusal, not the store, kept the other one out.
    const accepted = await post('/v1/reports?key=pk_site', batch('pk_site', 'on-list'), SITE);
    expect(accepted.statusCode).toBe(202);
    expectReadableBy(accepted, SITE);
    expect(await countsFor(app, 'off-list')).toEqual({ samples: 0, events: 0, batches: 0 });
    expect(await countsFor(app, 'on-list')).toEqual({ samples: 10, events: 6, batches: 1 });
  });

  it('403: a body naming another key', async () => {
    const response = await post('/v1/reports?key=pk_site', batch('pk_tiny', 'mismatch'), SITE);
    expect(response.statusCode).toBe(403);
    expectReadableBy(response, SITE);
  });

  it('413, 415 and 400: too large, an unknown type or encoding, bad JSON, a bad field', async () => {
    const answers = [
      await post('/v1/reports?key=pk_site', 'x'.repeat(1024 * 1024 + 1), SITE),
      await post('/v1/reports?key=pk_site', gzipSync(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })), SITE, { 'content-encoding': 'gzip' }),
      await post('/v1/reports?key=pk_site', batch('pk_site', 'xml'), SITE, { 'content-type': 'application/xml' }),
      await post('/v1/reports?key=pk_site', batch('pk_site', 'br'), SITE, { 'content-encoding': 'br' }),
      await post('/v1/reports?key=pk_site', '{"v":1,', SITE),
      await post('/v1/reports?key=pk_site', JSON.stringify({ ...makeBatch({ tenant: 'pk_site' }), batchSeq: -1 }), SITE),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([413, 413, 415, 415, 400, 400]);
    for (const answer of answers) expectReadableBy(answer, SITE);
  });

  it('404: an endpoint with a typo, so that the SDK can tell the app instead of retrying a network error', async () => {
    for (const url of ['/v1/reportz?key=pk_site', '/v1/report?key=pk_nobody', '/reports']) {
      const missing = await post(url, batch('pk_site', 'typo'), OTHER);
      expect(missing.statusCode, url).toBe(404);
      expect(missing.json(), url).toEqual({ error: 'Not Found', message: `POST ${url.split('?')[0]!} is not a route` });
      expectReadableBy(missing, OTHER);
    }
  });

  it('429 and 503 with a Retry-After the page can read', async () => {
    expect((await post('/v1/reports?key=pk_tiny', batch('pk_tiny', 'tiny-0'), OTHER)).statusCode).toBe(202);
    const limited = await post('/v1/reports?key=pk_tiny', batch('pk_tiny', 'tiny-1'), OTHER);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectReadableBy(limited, OTHER);

    const big = makeBatch({ tenant: 'pk_site', sessionId: 'spool-full' });
    const samples = Array.from({ length: 15 }, (_, round) => big.samples.map((s) => ({ ...s, seq: s.seq + round * 5 }))).flat();
    const full = await post('/v1/reports?key=pk_site', JSON.stringify({ ...big, samples }), SITE);
    expect(full.statusCode).toBe(503);
    expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectReadableBy(full, SITE);
  });
});

describe('only the browser ingest route answers cross-origin', () => {
  it('sends no CORS headers on read and server routes, nor for a malformed origin (a 404 included)', async () => {
    const answers = [
      await app.inject({ url: '/v1/sessions/on-list/samples?tenant=site', headers: { origin: SITE } }),
      await app.inject({ url: '/v1/sessions/on-list/samples?tenant=site', headers: { origin: SITE, authorization: 'Bearer sk_wrong_0123456789abcdef' } }),
      await app.inject({ method: 'POST', url: '/v1/server/sfu', headers: { origin: SITE, 'content-type': 'application/json' }, payload: '{}' }),
      await post('/v1/reports?key=pk_site', batch('pk_site', 'null-origin'), 'null'),
      await app.inject({ method: 'POST', url: '/v1/reportz?key=pk_site', headers: { origin: 'null' }, payload: '{}' }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([401, 401, 401, 403, 404]);
    for (const answer of answers) {
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['access-control-expose-headers']).toBeUndefined();
    }
  });
});
