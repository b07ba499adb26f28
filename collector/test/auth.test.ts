import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantsConfig } from '../src/auth/tenants.js';
import type { CollectorApp } from '../src/index.js';
import { T0, appOn, makeBatch, removeDir, select, tempDataDir } from './fixtures.js';

const SERVER_KEY = 'sk_globex_0123456789abcdef';
const OTHER_SERVER_KEY = 'sk_initech_0123456789abcdef';
const ORIGIN = 'https://meet.globex.test';

/** Tenant ids differ from their public keys, as in production. */
const TENANTS: TenantsConfig = {
  tenants: [
    {
      id: 'globex',
      publicKeys: [
        { key: 'pk_globex', origins: [ORIGIN] },
        { key: 'pk_globex_tiny', origins: ['*'], rateLimit: { perSecond: 0.001, burst: 2 } },
      ],
      serverKeys: [{ id: 'ops', key: SERVER_KEY, scopes: ['read'] }],
    },
    { id: 'initech', publicKeys: [{ key: 'pk_initech', origins: ['*'] }], serverKeys: [{ id: 'sfu', key: OTHER_SERVER_KEY, scopes: ['events'] }] },
  ],
};

let app: CollectorApp;
let dataDir: string;

beforeAll(async () => {
  dataDir = await tempDataDir();
  app = await appOn(dataDir, { security: { tenants: TENANTS } });
});
afterAll(async () => {
  await app.close();
  await removeDir(dataDir);
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers }, payload: JSON.stringify(body) });

async function authFailures(tenant: string): Promise<Record<string, unknown>[]> {
  await app.audit.flush();
  return select(
    app,
    `SELECT tenant, reason, source, route, actor_kind FROM audit_log WHERE action = 'auth.failure' AND tenant = {tenant:String} ORDER BY seq`,
    { tenant },
  );
}

describe('public ingest keys', () => {
  it('refuses a write without a key or with an unknown one (401) before reading the body, and audits it', async () => {
    const missing = await post('/v1/reports', makeBatch({ tenant: 'pk_globex', sessionId: 'no-key' }));
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual({ error: 'Unauthorized', message: 'an ingest key is required: send the public key as ?key=<key>' });
    const unknown = await post('/v1/reports?key=pk_nobody', 'not even json');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json<{ message: string }>().message).toBe('unknown ingest key');
    const failures = await authFailures('_unknown');
    expect(failures.slice(0, 2)).toEqual([
      { tenant: '_unknown', reason: 'an ingest key is required: send the public key as ?key=<key>', source: expect.stringMatching(/^ip:[0-9a-f]{32}$/), route: 'POST /v1/reports', actor_kind: 'anonymous' },
      expect.objectContaining({ tenant: '_unknown', reason: 'unknown ingest key' }),
    ]);
  });

  it('refuses a cross-origin write from an origin off the allow-list (403, readable by that page) and audits it for the tenant', async () => {
    const response = await post('/v1/reports?key=pk_globex', makeBatch({ tenant: 'pk_globex' }), { origin: 'https://evil.test' });
    expect(response.statusCode).toBe(403);
    expect(response.json<{ message: string }>().message).toBe('origin https://evil.test is not allowed for this ingest key');
    // The page may read the refusal (it holds no tenant data) so that the SDK stops; nothing was stored.
    expect(response.headers['access-control-allow-origin']).toBe('https://evil.test');
    expect(response.headers.vary).toBe('Origin');
    expect((await authFailures('globex')).at(-1)).toEqual({
      tenant: 'globex',
      reason: 'origin https://evil.test is not allowed for this ingest key',
      source: 'origin:https://evil.test',
      route: 'POST /v1/reports',
      actor_kind: 'public_key',
    });
  });

  it('refuses a body whose tenant is another key (403)', async () => {
    const response = await post('/v1/reports?key=pk_initech', makeBatch({ tenant: 'pk_globex', sessionId: 'mismatch' }));
    expect(response.statusCode).toBe(403);
    expect(response.json<{ message: string }>().message).toBe('body/tenant does not match the ingest key');
  });

  it('answers preflights for allowed origins only, with Vary and no credentials', async () => {
    const preflight = (url: string, origin: string) =>
      app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, content-encoding' } });
    const allowed = await preflight('/v1/reports?key=pk_globex', ORIGIN);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'POST',
      vary: 'Origin',
    });
    expect(allowed.headers['access-control-allow-headers']).toContain('content-encoding');
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
    for (const refused of [
      await preflight('/v1/reports?key=pk_globex', 'https://evil.test'),
      await preflight('/v1/reports', ORIGIN),
      await preflight('/v1/sessions/x/samples?tenant=globex', ORIGIN),
    ]) {
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('accepts an allowed origin, reflects it, exposes Retry-After, and stores the tenant id rather than the key', async () => {
    const response = await post('/v1/reports?key=pk_globex', makeBatch({ tenant: 'pk_globex', sessionId: 'allowed' }), { origin: ORIGIN });
    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ 'access-control-allow-origin': ORIGIN, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' });
    const rows = await select<{ tenant: string }>(app, `SELECT DISTINCT tenant FROM samples WHERE session_id = 'allowed'`);
    expect(rows).toEqual([{ tenant: 'globex' }]);
  });

  it('rate-limits per key with 429 and Retry-After, leaving other keys alone', async () => {
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 3; i++) {
      last = await post('/v1/reports?key=pk_globex_tiny', makeBatch({ tenant: 'pk_globex_tiny', sessionId: `tiny-${i}` }));
      codes.push(last.statusCode);
    }
    expect(codes).toEqual([202, 202, 429]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(last?.json<{ message: string }>().message).toMatch(/^rate limit of this ingest key exceeded/);
    expect((await post('/v1/reports?key=pk_initech', makeBatch({ tenant: 'pk_initech', sessionId: 'other-key' }))).statusCode).toBe(202);
  });
});

describe('clock skew', () => {
  it('corrects the timestamps of a client whose clock is an hour behind and keeps its send time', async () => {
    const hour = 3_600_000;
    const batch = makeBatch({ tenant: 'pk_initech', sessionId: 'skewed', sentAt: Date.now() - hour });
    expect((await post('/v1/reports?key=pk_initech', batch)).statusCode).toBe(202);
    const [sample] = await select<{ ts_ms: number | string }>(app, `SELECT toUnixTimestamp64Milli(ts) AS ts_ms FROM samples WHERE session_id = 'skewed' AND pc_id = 'pc-a' AND seq = 0`);
    const [sent] = await select<{ skew: number | string }>(app, `SELECT toUnixTimestamp64Milli(received_at) - toUnixTimestamp64Milli(sent_at) AS skew FROM batches WHERE session_id = 'skewed'`);
    // The skew stays visible as received_at - sent_at (sent_at is kept as the client sent it);
    // the collector reads its clock for the correction and for received_at a moment apart.
    const skew = Number(sent?.skew);
    expect(skew).toBeGreaterThanOrEqual(hour);
    expect(Math.abs(Number(sample?.ts_ms) - (T0 + skew))).toBeLessThanOrEqual(50);
  });
});

describe('read paths', () => {
  const read = (tenant: string, headers: Record<string, string> = {}) =>
    app.inject({ url: `/v1/sessions/allowed/samples?tenant=${tenant}`, headers });

  it('require a server key of that tenant with the read scope', async () => {
    expect((await read('globex')).statusCode).toBe(401);
    expect((await read('globex', { authorization: 'Bearer pk_globex' })).statusCode).toBe(401);
    const wrongScope = await read('initech', { authorization: `Bearer ${OTHER_SERVER_KEY}` });
    expect(wrongScope.statusCode).toBe(403);
    const otherTenant = await read('initech', { authorization: `Bearer ${SERVER_KEY}` });
    expect(otherTenant.statusCode).toBe(403);
    expect(otherTenant.json<{ message: string }>().message).toBe('this key belongs to another tenant');
    const own = await read('globex', { authorization: `Bearer ${SERVER_KEY}` });
    expect(own.statusCode).toBe(200);
    expect(own.json<{ samples: unknown[] }>().samples).toHaveLength(10);
    expect((await authFailures('globex')).at(-1)).toMatchObject({ tenant: 'globex', reason: 'this key belongs to another tenant', actor_kind: 'server_key' });
  });
});

describe('auditing refusals under a flood', () => {
  it("keeps each tenant's refusals in its own budget: a flood of unknown keys hides none of a tenant's and lends it no counts", async () => {
    const count = async (): Promise<number> =>
      Number((await select<{ n: string }>(app, `SELECT count() AS n FROM audit_log WHERE action = 'auth.failure' AND tenant = 'globex'`))[0]?.n);
    await app.audit.flush();
    const before = await count();
    // More than the per-second budget (burst 100) of refusals for unknown keys, from a client without any key.
    for (let i = 0; i < 150; i++) expect((await post(`/v1/reports?key=pk_flood_${i}`, 'x')).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) {
      expect((await post('/v1/reports?key=pk_globex', makeBatch({ tenant: 'pk_globex' }), { origin: `https://flooded-${i}.test` })).statusCode).toBe(403);
    }
    await app.audit.flush();
    const rows = await select<{ reason: string; details: string }>(
      app,
      `SELECT reason, details FROM audit_log WHERE action = 'auth.failure' AND tenant = 'globex' ORDER BY seq DESC LIMIT 3`,
      {},
    );
    expect((await count()) - before).toBe(3);
    expect(rows.map((r) => r.reason).reverse()).toEqual([0, 1, 2].map((i) => `origin https://flooded-${i}.test is not allowed for this ingest key`));
    for (const row of rows) expect(JSON.parse(row.details)).toEqual({ status: 403 });
  });

  it('quotes at most 256 characters of a refused origin, in the answer and in the audit row', async () => {
    const origin = `https://${'a'.repeat(15_000)}.test`;
    const response = await post('/v1/reports?key=pk_globex', makeBatch({ tenant: 'pk_globex' }), { origin });
    expect(response.statusCode).toBe(403);
    const message = response.json<{ message: string }>().message;
    expect(message).toBe(`origin ${origin.slice(0, 256)}… is not allowed for this ingest key`);
    const last = (await authFailures('globex')).at(-1);
    expect(last?.reason).toBe(message);
    expect(String(last?.source).length).toBeLessThanOrEqual('origin:'.length + 256);
  });
});
