import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLAYBOOK, allRules, clickhouseRunner, evaluateRules, grafanaSql, type RuleEvaluation } from '@rtcpulse/alerts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CollectorApp } from '../src/index.js';
import { sessionBatch, type SessionSpec } from './alerts-seed.js';

/**
 * Realistic rows, written through the collector's real ingest paths into
 * the real embedded ClickHouse, one tenant per scenario; the native
 * evaluation of the alert rules (`@rtcpulse/alerts`) must fire exactly the
 * expected alerts per tenant and nothing on the clean fleet, and the
 * collector's `GET /v1/alerts/evaluate` must serve it. It lives with the
 * collector, which depends on the alerts package (not the other way round).
 */
const SCENARIOS: Readonly<Record<string, readonly string[]>> = {
  clean: [],
  lossy: ['PacketLossHigh'],
  'slow-ice': ['IcePairFormationSlow'],
  blackhole: ['ConnectionFailures'],
  'setup-fail': ['CallSetupErrorBudgetFastBurn', 'CallSetupErrorBudgetSlowBurn'],
  'dtls-stuck': ['DtlsHandshakeStuck', 'IceConnectedNoMedia'],
  'turn-leak': ['TurnAllocationsMismatch'],
  'recorder-fail': ['RecordingSuccessLow'],
};
const TENANTS = Object.keys(SCENARIOS);
const SERVER_KEY = (tenant: string) => `${tenant}-server-key-for-tests`;

let dir: string;
let app: CollectorApp;
const start = Date.now() - 50_000;
const evaluatedAt = new Date(start + 50_000);

function sessions(tenant: string): SessionSpec[] {
  const count = tenant === 'turn-leak' ? 10 : tenant === 'setup-fail' ? 8 : 4;
  return Array.from({ length: count }, (_, i) => {
    const spec: SessionSpec = { tenant, sessionId: `${tenant}-s${i}`, callId: `${tenant}-call`, start: start + i * 100 };
    switch (tenant) {
      case 'lossy':
        return { ...spec, lossPct: 6 };
      case 'slow-ice':
        return { ...spec, iceMs: 1250 };
      case 'blackhole':
        return i < 2 ? { ...spec, failure: 'blackhole' } : spec;
      case 'setup-fail':
        // Five: the burn-rate alerts' floor of bad events.
        return i < 5 ? { ...spec, failure: 'setup' } : spec;
      case 'dtls-stuck':
        return i === 0 ? { ...spec, failure: 'dtls' } : spec;
      case 'turn-leak':
        return i < 2 ? { ...spec, candidate: 'relay' } : spec;
      default:
        return spec;
    }
  });
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const response = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
  if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
}

async function seedServerEvents(): Promise<void> {
  const auth = (tenant: string) => ({ authorization: `Bearer ${SERVER_KEY(tenant)}` });
  // Six allocations held while only two relayed peer connections are live: tabs closed without close().
  await post('/v1/server/turn', { v: 1, nodeId: 'turn-1', region: 'eu-west', ts: start + 40_000, intervalMs: 60_000, allocations: 6, relayedBytes: 80e6 }, auth('turn-leak'));
  for (let i = 0; i < 11; i++) {
    const state = i === 0 ? 'failed' : 'finished';
    await post(
      '/v1/server/recordings',
      { v: 1, nodeId: 'rec-1', region: 'eu-west', ts: start + 30_000 + i, jobId: `job-${i}`, sessionId: `room-${i}`, state, durationMs: 600_000, ...(state === 'finished' ? { bytes: 9e7 } : { reason: 'sfu_unreachable' }) },
      auth('recorder-fail'),
    );
  }
}

function firing(results: readonly RuleEvaluation[]): string[] {
  return results.filter((r) => r.status === 'firing').map((r) => r.alert).sort();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rtcpulse-alerts-'));
  app = await buildApp({
    store: { kind: 'embedded', dataDir: dir },
    security: {
      tenants: {
        tenants: TENANTS.map((id) => ({
          id,
          publicKeys: [{ key: id, origins: ['*'] }],
          serverKeys: [{ id: `${id}-server`, key: SERVER_KEY(id), scopes: ['read', 'events'] }],
        })),
      },
    },
  });
  for (const tenant of TENANTS) {
    for (const spec of sessions(tenant)) await post(`/v1/reports?key=${tenant}`, sessionBatch(spec));
  }
  await seedServerEvents();
});

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('native evaluation on the embedded store', () => {
  it.each(TENANTS)('scenario %s fires exactly its expected alerts', async (tenant) => {
    const results = await evaluateRules(clickhouseRunner(app.store.client), { tenant, now: evaluatedAt });
    expect(results.filter((r) => r.status === 'error')).toEqual([]);
    expect(results.filter((r) => r.status === 'not-evaluable')).toEqual([]);
    expect(firing(results)).toEqual([...(SCENARIOS[tenant] ?? [])].sort());
  });

  it('reports each firing group with its value and the runbook link', async () => {
    const results = await evaluateRules(clickhouseRunner(app.store.client), { tenant: 'slow-ice', now: evaluatedAt });
    const ice = results.find((r) => r.alert === 'IcePairFormationSlow');
    expect(ice?.runbookUrl).toBe('alerts/generated/runbook/01-turn-cold-start.md#icepairformationslow');
    expect(ice?.for).toBe('5m');
    expect(ice?.groups).toEqual([{ labels: { tenant: 'slow-ice', region: 'eu-west' }, value: 1250, firing: true }]);
  });

  it('says "not evaluable" for a rule whose table does not exist, and keeps going', async () => {
    const coldStart = PLAYBOOK.find((page) => page.entry === 1);
    if (!coldStart) throw new Error('the playbook has no entry 1');
    const base = coldStart.rules[0];
    if (!base) throw new Error('entry 1 has no rule');
    const rule = { ...base, sql: { ...base.sql, requires: { sip_trunks: ['tenant'] } } };
    const results = await evaluateRules(clickhouseRunner(app.store.client), { rules: [{ page: coldStart, rule }, { page: coldStart, rule: base }], now: evaluatedAt });
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['not-evaluable', 'missing: table sip_trunks'],
      ['firing', undefined],
    ]);
  });

  it('runs the SQL of every Grafana-managed rule as Grafana sends it, with the columns the alert needs', async () => {
    for (const { rule } of allRules().filter((r) => r.rule.grafana)) {
      const result = await app.store.client.query({ query: grafanaSql(rule), format: 'JSONCompactEachRowWithNames' });
      const [names] = await result.json<string[]>();
      expect(names, rule.id).toEqual(['time', 'tenant', ...rule.sql.labels, 'value']);
    }
  });

  it('serves GET /v1/alerts/evaluate to a read key of the tenant only', async () => {
    const url = `/v1/alerts/evaluate?tenant=lossy&at=${encodeURIComponent(evaluatedAt.toISOString())}`;
    const ok = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${SERVER_KEY('lossy')}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ firing: string[] }>().firing).toEqual(['PacketLossHigh']);
    const anonymous = await app.inject({ method: 'GET', url });
    expect(anonymous.statusCode).toBe(401);
    const otherTenant = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${SERVER_KEY('clean')}` } });
    expect(otherTenant.statusCode).toBe(403);
  });
});
