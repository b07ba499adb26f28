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

const sqlSteps = () =>
  RUNBOOK.flatMap((page) => page.confirm.flatMap((step) => ('language' in step && step.language === 'sql' ? [{ page: page.slug, sql: step.query }] : [])));

describe('"How to confirm" queries', () => {
  it('are each scoped by the tenant parameter, the one the collector binds', () => {
    for (const step of sqlSteps()) expect(step.sql, step.page).toContain('{tenant:String}');
  });

  it('run on the running collector through GET /v1/runbook/:page/confirm, for the key\'s tenant only', async () => {
    const pages = [...new Set(sqlSteps().map((s) => s.page))];
    expect(pages.length).toBeGreaterThan(3);
    for (const page of pages) {
      const body = JSON.parse(await collector.send('GET', `/v1/runbook/${page}/confirm?tenant=network`, 'network')) as {
        page: string; steps: { rows: Record<string, unknown>[]; error?: string }[];
      };
      expect(body.page).toBe(page);
      expect(body.steps.length, page).toBe(sqlSteps().filter((s) => s.page === page).length);
      for (const step of body.steps) expect(step.error, page).toBeUndefined();
    }
    // Page 03 counts the seeded connection lost after the network came back.
    const network = JSON.parse(await collector.send('GET', '/v1/runbook/03-consent-expiry-after-network-change/confirm?tenant=network', 'network')) as {
      steps: { rows: Record<string, unknown>[] }[];
    };
    expect(network.steps.some((s) => s.rows.length > 0)).toBe(true);
    await expect(collector.send('GET', '/v1/runbook/99-no-such-page/confirm?tenant=network', 'network')).rejects.toThrow(/404.*no runbook page 99-no-such-page/);
    await expect(collector.send('GET', '/v1/runbook/03-consent-expiry-after-network-change/confirm?tenant=someone-else', 'network')).rejects.toThrow(/403/);
  });

  it("every SQL step of every runbook page runs on the collector's schema", async () => {
    const steps = sqlSteps();
    expect(steps.length).toBeGreaterThan(5);
    for (const step of steps) {
      const result = await collector.app.store.client.query({ query: step.sql, query_params: { tenant: 'network' }, format: 'JSONEachRow' });
      await expect(result.json(), step.page).resolves.toBeInstanceOf(Array);
    }
  });
});
