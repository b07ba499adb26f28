import { describe, expect, it } from 'vitest';
import { runFuzz, storedRows } from '../fault/fuzz-run.js';
import type { CollectorApp } from '../src/index.js';
import { countsFor, makeBatch, onAppPerFile, postBatch, select } from './fixtures.js';

let app: CollectorApp;
onAppPerFile((started) => (app = started));

/** Tables a report writes rows into. */
const TABLES = ['samples', 'events', 'batches', 'sessions'];

describe('10,000 fuzzed bad bodies', () => {
  it('are all refused with a 4xx, store nothing and leave the collector serving', { timeout: 300_000 }, async () => {
    const before = await storedRows(app, TABLES);
    const report = await runFuzz(app, { valid: makeBatch({ sessionId: 'fuzz' }), key: 'acme-public-key', seed: 20_260_115, cases: 10_000 });
    expect(report.failures).toEqual([]);
    const kinds = new Set(Object.keys(report.outcomes).map((outcome) => outcome.split(' ')[0]));
    expect([...kinds].sort()).toEqual(
      [
        'bad-literal', 'content-type', 'corrupt-gzip', 'deep-nesting', 'foreign-tenant', 'huge-number', 'invalid-utf8', 'long-string',
        'missing-field', 'not-an-object', 'oversize', 'proto-key', 'truncated', 'unknown-field', 'wrong-type',
      ].sort(),
    );
    expect(await storedRows(app, TABLES)).toEqual(before);
    await app.audit.flush();
    const audited = await select<{ action: string }>(app, `SELECT DISTINCT action FROM audit_log`);
    expect(audited).toEqual([{ action: 'auth.failure' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await postBatch(app, makeBatch({ sessionId: 'after-fuzz' }))).statusCode).toBe(202);
    expect(await countsFor(app, 'after-fuzz')).toEqual({ samples: 10, events: 6, batches: 1 });
  });
});
