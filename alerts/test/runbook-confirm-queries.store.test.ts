import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNBOOK } from '../src/index.js';
import { batch, connectionEvents, networkEvents } from './report-batches.js';
import { startCollector, type TestCollector } from './sql-forms-collector.js';

/** Every SQL "How to confirm" step of the runbook pages runs on the collector's real schema (embedded ClickHouse). */

let collector: TestCollector;

beforeAll(async () => {
  collector = await startCollector(['network']);
  const { now } = collector;
  await collector.postBatch(batch('network', 'r-net', 'net-s0', now, networkEvents(now - 120_000, 2, true)));
  const { events, samples } = connectionEvents(now - 100_000, 'mid-call');
  await collector.postBatch(batch('network', 'r-net', 'net-s1', now, events, samples));
});

afterAll(async () => {
  await collector?.close();
});

describe('"How to confirm" queries', () => {
  it("every SQL step of every runbook page runs on the collector's schema", async () => {
    const steps = RUNBOOK.flatMap((page) => page.confirm.flatMap((step) => ('language' in step && step.language === 'sql' ? [{ page: page.slug, sql: step.query }] : [])));
    expect(steps.length).toBeGreaterThan(5);
    for (const step of steps) {
      const result = await collector.app.store.client.query({ query: step.sql, query_params: { tenant: 'network' }, format: 'JSONEachRow' });
      await expect(result.json(), step.page).resolves.toBeInstanceOf(Array);
    }
  });
});
