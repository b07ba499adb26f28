import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/store/store.js';

/** A ClickHouse server that cannot be reached at start is named, with the variable that points at it, and no credentials. */
describe('an unreachable ClickHouse server at start', () => {
  it('is said to be unreachable, naming CLICKHOUSE_URL without its password', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const store = createStore({ kind: 'server', url: `http://rtc:secret@127.0.0.1:${port}` });
    try {
      const error = await store.migrate().then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(new RegExp(`^cannot reach ClickHouse at http://127\\.0\\.0\\.1:${port}/ \\(CLICKHOUSE_URL\\): `));
      expect(error?.message).toContain('ECONNREFUSED');
      expect(error?.message).not.toContain('secret');
    } finally {
      await store.close();
    }
  });
});
