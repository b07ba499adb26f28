import { describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { countsFor, makeBatch, onAppPerFile, postBatch } from './fixtures.js';

let app: CollectorApp;
onAppPerFile((started) => (app = started));

const post = (body: unknown, headers: Record<string, string> = {}) => postBatch(app, body, headers);

describe('browser transports', () => {
  it('accepts a text/plain body (sendBeacon, keepalive fetch) as JSON', async () => {
    const response = await post(makeBatch({ sessionId: 'beacon' }), { 'content-type': 'text/plain;charset=UTF-8' });
    expect(response.statusCode).toBe(202);
    expect(await countsFor(app, 'beacon')).toEqual({ samples: 10, events: 6, batches: 1 });
  });

  it('answers CORS preflights and reflects the origin on the POST', async () => {
    const origin = 'https://app.example.test';
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/reports?key=acme-public-key',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('content-type');
    const response = await post(makeBatch({ sessionId: 'cors' }), { origin });
    expect(response.statusCode).toBe(202);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.headers.vary).toContain('Origin');
  });
});

describe('retries', () => {
  it('stores a retried identical batch once, and the next batch of the session again', async () => {
    const batch = makeBatch({ sessionId: 'retried', batchSeq: 7 });
    for (let attempt = 0; attempt < 3; attempt++) expect((await post(batch)).statusCode).toBe(202);
    expect(await countsFor(app, 'retried')).toEqual({ samples: 10, events: 6, batches: 1 });

    expect((await post({ ...batch, batchSeq: 8 })).statusCode).toBe(202);
    expect(await countsFor(app, 'retried')).toEqual({ samples: 20, events: 12, batches: 2 });
  });

  it('keeps batches of different tenants with the same session id and sequence apart', async () => {
    await post(makeBatch({ sessionId: 'shared-id', tenant: 'tenant-a' }));
    await post(makeBatch({ sessionId: 'shared-id', tenant: 'tenant-b' }));
    expect(await countsFor(app, 'shared-id')).toEqual({ samples: 20, events: 12, batches: 2 });
  });

  it('stores concurrent batches of many sessions completely', async () => {
    const sessions = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
    const responses = await Promise.all(sessions.map((sessionId) => post(makeBatch({ sessionId }))));
    expect(responses.map((r) => r.statusCode)).toEqual(sessions.map(() => 202));
    for (const sessionId of sessions) {
      expect(await countsFor(app, sessionId)).toEqual({ samples: 10, events: 6, batches: 1 });
    }
  });
});
