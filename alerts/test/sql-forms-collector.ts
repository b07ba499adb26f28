import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type CollectorApp } from '@rtcpulse/collector';
import type { ReportBatch } from '@rtcpulse/schema';
import { clickhouseRunner, evaluateRules, ruleById, type RuleEvaluation } from '../src/index.js';

/**
 * The real collector on the embedded store for the SQL-form agreement
 * tests: tenants with a public key (reports) and a server key (server
 * events, reads), each in its own region so the Prometheus series of one
 * tenant can be told apart by their `region` label.
 */

const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const serverKey = (tenant: string) => `${tenant}-server-key-for-tests`;

/** A collector under test and the instant its SQL forms are evaluated at. */
export interface TestCollector {
  readonly app: CollectorApp;
  /** The evaluation instant of the SQL forms (reports are stamped before it). */
  readonly now: number;
  /** POST or GET with the tenant's server key; throws on a status of 300 or more. */
  send(method: 'GET' | 'POST', url: string, tenant: string, body?: unknown): Promise<string>;
  /** POST a report batch as the SDK does (public key, a Chrome user agent); throws unless accepted. */
  postBatch(body: ReportBatch): Promise<void>;
  /** The SQL form of one rule for one tenant at `now`; throws when the query errs. */
  evaluate(tenant: string, ruleId: string): Promise<RuleEvaluation>;
  /** `GET /metrics` now (a series new since the last scrape shows 0 in its first). */
  scrape(): Promise<string>;
  close(): Promise<void>;
}

/** Build the collector on a fresh embedded store in a temporary directory. */
export async function startCollector(tenants: readonly string[]): Promise<TestCollector> {
  const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-alerts-sql-'));
  const app = await buildApp({
    store: { kind: 'embedded', dataDir: dir },
    security: {
      tenants: {
        tenants: tenants.map((id) => ({
          id,
          publicKeys: [{ key: id, origins: ['*'] }],
          serverKeys: [{ id: `${id}-server`, key: serverKey(id), scopes: ['read', 'events'] }],
        })),
      },
    },
  });
  const now = Date.now();
  const scrape = async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    if (response.statusCode !== 200) throw new Error(`/metrics: ${response.statusCode} ${response.body}`);
    return response.body;
  };
  return {
    app,
    now,
    scrape,
    async send(method, url, tenant, body) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${serverKey(tenant)}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
      return response.body;
    },
    async postBatch(body) {
      const response = await app.inject({
        method: 'POST',
        url: `/v1/reports?key=${body.tenant}`,
        headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
        payload: JSON.stringify(body),
      });
      if (response.statusCode !== 202) throw new Error(`report of ${body.sessionId}: ${response.statusCode} ${response.body}`);
    },
    async evaluate(tenant, ruleId) {
      const [result] = await evaluateRules(clickhouseRunner(app.store.client), { tenant, now: new Date(now), rules: [ruleById(ruleId)] });
      if (!result || result.status === 'error') throw new Error(`${ruleId} for ${tenant}: ${result?.reason ?? 'no evaluation'}`);
      return result;
    },
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
