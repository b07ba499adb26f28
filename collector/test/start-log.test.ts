import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/index.js';
import type { SchemaOptions } from '../src/store/config.js';
import { TEST_TENANTS, removeDir, tempDataDir } from './fixtures.js';
import { testStoreConfig } from './test-store.js';

/**
 * What a start says about the store in its log (the README's upgrade and
 * retention notes rely on it): a fresh store says it was created, a
 * retention change lists its TTL statements, a start that changes nothing
 * says only that the store is migrated, with the ClickHouse version and the
 * retention in force.
 */

type LogLine = { msg: string; [k: string]: unknown };
let dataDir: string;
beforeAll(async () => {
  dataDir = await tempDataDir();
});
afterAll(async () => {
  await removeDir(dataDir);
});

/** Starts and stops the collector on the test's store with these retention days; the log lines of the start. */
async function startOnce(ttlDays: SchemaOptions['ttlDays']): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };
  const app = await buildApp({ store: { ...(await testStoreConfig(dataDir)), schema: { ttlDays } }, security: { tenants: TEST_TENANTS }, logger: { level: 'info', stream } });
  await app.ready();
  await app.close();
  return lines;
}
const messages = (lines: LogLine[]) => lines.map((l) => l.msg);
const line = (lines: LogLine[], msg: string | RegExp) => lines.find((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)));

describe('the start-up log about the store', () => {
  it('says a fresh store was created, with the number of statements, then that it is migrated', async () => {
    const lines = await startOnce({ samples: 30 });
    expect(line(lines, 'schema created in an empty store')).toMatchObject({ statements: expect.any(Number) });
    expect((line(lines, 'schema created in an empty store')?.['statements'] as number) > 10).toBe(true);
    expect(line(lines, 'store migrated')).toMatchObject({ clickhouse: expect.stringMatching(/^\d+\.\d+/), retentionDays: { samples: 30 } });
    expect(messages(lines)).not.toContainEqual(expect.stringMatching(/^schema brought up|^retention changed/));
  });

  it('lists the TTL statements of a retention change, and nothing about the schema', async () => {
    const lines = await startOnce({ samples: 7 });
    const changed = line(lines, /^retention changed/);
    expect(changed?.['statements']).toEqual([expect.stringMatching(/^ALTER TABLE \S*samples\b.*MODIFY TTL .*toIntervalDay\(7\)/)]);
    expect(messages(lines)).not.toContainEqual(expect.stringMatching(/^schema created|^schema brought up/));
    expect(line(lines, 'store migrated')).toMatchObject({ retentionDays: { samples: 7 } });
  });

  it('says only that the store is migrated when nothing changed', async () => {
    const lines = await startOnce({ samples: 7 });
    expect(messages(lines)).not.toContainEqual(expect.stringMatching(/^schema created|^schema brought up|^retention changed/));
    expect(line(lines, 'store migrated')).toBeDefined();
  });
});
