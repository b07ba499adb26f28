import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { loggingFromEnv } from '../src/logging.js';
import { appOn, makeBatch, postBatch, removeDir, tempDataDir } from './fixtures.js';

const lines: Record<string, unknown>[] = [];
const stream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let dataDir: string;
let app: CollectorApp;

/** The collector logging as `npm start` does with this environment, into a stream the test reads. */
async function startWith(env: Record<string, string>): Promise<void> {
  await app?.close();
  const { logger, logRequests } = loggingFromEnv(env);
  app = await appOn(dataDir, { logger: { ...(logger as object), stream }, ...(logRequests !== undefined ? { logRequests } : {}) });
  lines.length = 0;
}

beforeAll(async () => {
  dataDir = await tempDataDir();
});
afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

describe('request logging of the command-line collector', () => {
  it('writes nothing for an accepted report, and one line naming the route and the problem for a refused one', async () => {
    await startWith({});
    const accepted = await postBatch(app, makeBatch({ sessionId: 'quiet' }));
    expect(accepted.statusCode).toBe(202);
    expect(lines).toEqual([]);

    const refused = await postBatch(app, { ...makeBatch({ sessionId: 'loud' }), batchSeq: 'one' });
    expect(refused.statusCode).toBe(400);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request rejected', method: 'POST', route: '/v1/reports' });
    expect(String(lines[0]?.reason)).toContain('batchSeq');
    // The public key in the query string is not logged.
    expect(JSON.stringify(lines[0])).not.toContain('acme-public-key');

    // A mistyped endpoint is refused too (before, a 404 wrote nothing).
    lines.length = 0;
    const typo = await app.inject({ method: 'POST', url: '/v1/report?key=acme-public-key', payload: '{}' });
    expect(typo.statusCode).toBe(404);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request rejected', code: 'NOT_FOUND', method: 'POST', route: '/v1/report' });
    expect(JSON.stringify(lines[0])).not.toContain('acme-public-key');
  });

  it('logs each request and response with LOG_REQUESTS=1, without the key or the client address', async () => {
    await startWith({ LOG_REQUESTS: '1' });
    const accepted = await postBatch(app, makeBatch({ sessionId: 'logged' }));
    expect(accepted.statusCode).toBe(202);
    const messages = lines.map((l) => l.msg);
    expect(messages).toEqual(['incoming request', 'request completed']);
    expect(lines[0]?.req).toEqual({ method: 'POST', url: '/v1/reports' });
    expect(JSON.stringify(lines)).not.toMatch(/acme-public-key|remoteAddress|127\.0\.0\.1/);
  });
});
