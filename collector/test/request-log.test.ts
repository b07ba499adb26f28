import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { loggingFromEnv } from '../src/logging.js';
import { makeBatch, onAppPerFile, postBatch } from './fixtures.js';

const lines: Record<string, unknown>[] = [];
const stream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let app: CollectorApp;
// The production logging (as `npm start` sets it from the environment), into a stream the test reads.
const { logRequests } = loggingFromEnv({});
onAppPerFile((started) => (app = started), { logger: { level: 'info', stream }, ...(logRequests !== undefined ? { logRequests } : {}) });

describe('request logging of the command-line collector', () => {
  it('writes nothing for an accepted report, and one line naming the route and the problem for a refused one', async () => {
    lines.length = 0;
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
  });

  it('logs each request with LOG_REQUESTS=1', () => {
    expect(loggingFromEnv({ LOG_REQUESTS: '1', LOG_LEVEL: 'warn' })).toEqual({ logger: { level: 'warn' }, logRequests: true });
    expect(loggingFromEnv({}).logRequests).toBe(false);
  });
});
