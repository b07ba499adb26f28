import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type CollectorApp, type CostBreakdown } from '@rtcpulse/collector';
import type { ReportBatch } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNBOOK, clickhouseRunner, evaluateRules, prometheusName, ruleById, type RuleEvaluation } from '../src/index.js';
import { requireMetric } from '../src/prometheus/resolve.js';
import { batch, connectionEvents, networkEvents } from './report-batches.js';

/**
 * SQL forms on the real embedded ClickHouse, with rows written through the
 * collector's own server-event and report routes: the cost rules agree with
 * `GET /v1/server/cost` and with the collector's cost counters on
 * `/metrics` (what their Prometheus forms read), with or without TURN and
 * recorder reports; entry 3 counts what its Prometheus form counts; every
 * SQL "How to confirm" query of the runbook runs.
 */

const TENANTS = ['sfu-only', 'sfu-turn-rec', 'no-node', 'network', 'reliability'] as const;
type Tenant = (typeof TENANTS)[number];
const REGION: Readonly<Record<Tenant, string>> = { 'sfu-only': 'r-a', 'sfu-turn-rec': 'r-b', 'no-node': 'r-c', network: 'r-net', reliability: 'r-rel' };
const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const KEY = (tenant: string) => `${tenant}-server-key-for-tests`;
const QUARTER_HOUR = 900_000;

let dir: string;
let app: CollectorApp;
const now = Date.now();

async function send(method: 'GET' | 'POST', url: string, tenant: string, body?: unknown): Promise<string> {
  const response = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${KEY(tenant)}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return response.body;
}

/** One SFU node, 8 cores and 16 GB, 5 GB egress and 40 participant-hours over the last hour (the reviewer's case). */
async function seedSfu(tenant: Tenant, withNode: boolean): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await send('POST', '/v1/server/sfu', tenant, {
      v: 1,
      nodeId: 'sfu-1',
      region: REGION[tenant],
      ts: now - i * QUARTER_HOUR - 1000,
      intervalMs: QUARTER_HOUR,
      participants: 40,
      ...(withNode ? { node: { cpuCores: 8, cpuUtilizationPct: 40, memoryUsedBytes: 6e9, memoryLimitBytes: 16e9 } } : {}),
      forwarded: [{ kind: 'video', layer: 'f', streams: 40 }],
      egress: [{ sessionId: 'room-1', receiverId: 'r-1', kind: 'video', layer: 'f', bytes: 1.25e9 }],
    });
  }
}

async function postBatch(body: ReportBatch): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: `/v1/reports?key=${body.tenant}`,
    headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
    payload: JSON.stringify(body),
  });
  expect(response.statusCode, response.body).toBe(202);
}

async function evaluate(tenant: Tenant, ruleId: string): Promise<RuleEvaluation> {
  const [result] = await evaluateRules(clickhouseRunner(app.store.client), { tenant, now: new Date(now), rules: [ruleById(ruleId)] });
  if (!result) throw new Error(`no evaluation of ${ruleId}`);
  expect(result.status, result.reason).not.toBe('error');
  return result;
}

async function serverCost(tenant: Tenant): Promise<CostBreakdown> {
  return JSON.parse(await send('GET', `/v1/server/cost?from=${now - 6 * 3_600_000}&to=${now + 1}`, tenant)) as CostBreakdown;
}

/** Sum of a pull-path counter (or a histogram's `_count`) on `/metrics` over the series of one region. */
async function counter(metric: string, region: string, suffix = ''): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const name = `${prometheusName(requireMetric(metric), 'pull')}${suffix}`;
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(`region="${region}"`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function metricsCost(region: string): Promise<{ cpu: number; ram: number; egress: number; storage: number; hours: number }> {
  return {
    cpu: await counter('webrtc.cost.cpu', region),
    ram: await counter('webrtc.cost.ram', region),
    egress: await counter('webrtc.cost.egress', region),
    storage: await counter('webrtc.cost.storage', region),
    hours: await counter('webrtc.sfu.participant_time', region),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rtcpulse-alerts-sql-'));
  app = await buildApp({
    store: { kind: 'embedded', dataDir: dir },
    security: {
      tenants: {
        tenants: TENANTS.map((id) => ({
          id,
          publicKeys: [{ key: id, origins: ['*'] }],
          serverKeys: [{ id: `${id}-server`, key: KEY(id), scopes: ['read', 'events'] }],
        })),
      },
    },
  });
  await seedSfu('sfu-only', true);
  await seedSfu('sfu-turn-rec', true);
  await seedSfu('no-node', false);
  const turnRec = 'sfu-turn-rec';
  await send('POST', '/v1/server/turn', turnRec, { v: 1, nodeId: 'turn-1', region: REGION[turnRec], ts: now - 2000, intervalMs: QUARTER_HOUR, allocations: 3, relayedBytes: 1e9 });
  const job = { v: 1, nodeId: 'rec-1', region: REGION[turnRec], jobId: 'job-1', sessionId: 'room-1' };
  await send('POST', '/v1/server/recordings', turnRec, { ...job, ts: now - 60_000, state: 'started' });
  await send('POST', '/v1/server/recordings', turnRec, { ...job, ts: now - 3000, state: 'finished', durationMs: 57_000, bytes: 0 });
  // Ten network drops in four sessions; one connection lost within 30 s of coming back online.
  for (const [i, drops] of [4, 3, 2, 1].entries()) {
    await postBatch(batch('network', REGION.network, `net-s${i}`, now, networkEvents(now - 120_000, drops, i === 0)));
  }
  // Four connections: one fails mid-call, one fails during setup, two are fine.
  for (const [i, outcome] of (['mid-call', 'setup', 'ok', 'ok'] as const).entries()) {
    const { events, samples } = connectionEvents(now - 100_000, outcome);
    await postBatch(batch('reliability', REGION.reliability, `rel-s${i}`, now, events, samples));
  }
});

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('cost rules: the SQL form agrees with GET /v1/server/cost and the cost counters', () => {
  it('one SFU node, no TURN report and no finished recording: egress 50 % of cost, $0.02 per participant-hour (not 0)', async () => {
    const cost = await serverCost('sfu-only');
    expect(cost.cost.egress / cost.cost.total).toBeCloseTo(0.5, 9);
    expect(cost.perParticipantHour?.total).toBeCloseTo(0.02, 9);
    const share = await evaluate('sfu-only', 'egress-cost-share');
    expect(share.groups.map((g) => g.value)).toEqual([expect.closeTo(50, 6)]);
    const perHour = await evaluate('sfu-only', 'cost-per-participant-hour');
    expect(perHour.groups.map((g) => g.value)).toEqual([expect.closeTo(0.02, 9)]);
    const m = await metricsCost(REGION['sfu-only']);
    expect(m.storage).toBe(0);
    expect((100 * m.egress) / (m.cpu + m.ram + m.egress + m.storage)).toBeCloseTo(50, 6);
    expect((m.cpu + m.ram + m.egress + m.storage) / m.hours).toBeCloseTo(0.02, 9);
  });

  it('with a TURN report and a finished recording of zero bytes the values stay the collector\'s (the sums are bracketed)', async () => {
    const cost = await serverCost('sfu-turn-rec');
    const expectedShare = (100 * cost.cost.egress) / cost.cost.total;
    expect(expectedShare).toBeGreaterThan(50);
    expect(expectedShare).toBeLessThan(100);
    const share = await evaluate('sfu-turn-rec', 'egress-cost-share');
    expect(share.groups.map((g) => g.value)).toEqual([expect.closeTo(expectedShare, 6)]);
    const perHour = await evaluate('sfu-turn-rec', 'cost-per-participant-hour');
    expect(perHour.groups.map((g) => g.value)).toEqual([expect.closeTo(cost.perParticipantHour?.total ?? Number.NaN, 9)]);
    expect(perHour.status).toBe('ok');
    const m = await metricsCost(REGION['sfu-turn-rec']);
    expect((100 * m.egress) / (m.cpu + m.ram + m.egress + m.storage)).toBeCloseTo(expectedShare, 6);
  });

  it('SFUs without node usage: cost per participant-hour is egress alone; the egress share is not judged without a CPU cost', async () => {
    const cost = await serverCost('no-node');
    const perHour = await evaluate('no-node', 'cost-per-participant-hour');
    expect(perHour.groups.map((g) => g.value)).toEqual([expect.closeTo(cost.perParticipantHour?.total ?? Number.NaN, 9)]);
    expect(cost.cost.cpu).toBe(0);
    expect((await evaluate('no-node', 'egress-cost-share')).groups).toEqual([]);
  });
});

describe('entry 3: connections lost after coming back online, per network drop', () => {
  it('counts failed-after-online connections over offline events, as the Prometheus form\'s counters do', async () => {
    const region = REGION.network;
    const failed = await counter('webrtc.connection.failed_after_online', region);
    const offline = await counter('webrtc.network.offline', region);
    expect([failed, offline]).toEqual([1, 10]);
    const result = await evaluate('network', 'failed-after-online');
    expect(result.groups).toEqual([{ labels: { tenant: 'network', region }, value: (100 * failed) / offline, firing: true }]);
  });
});

describe('reliability rules: the Prometheus forms\' counters measure what the SQL forms count', () => {
  const region = REGION.reliability;

  it('call setup: one connection of four never connected, by both forms', async () => {
    const attempts = await counter('webrtc.connection.attempts', region);
    const failures = await counter('webrtc.connection.failures', region);
    const iceConnected = await counter('webrtc.ice.pair_formation_time', region, '_count');
    const dtlsFailures = await counter('webrtc.dtls.failures', region);
    expect([attempts, failures, iceConnected, dtlsFailures]).toEqual([4, 2, 3, 0]);
    // The Prometheus form: least(failures, attempts - ICE connected + DTLS failures) / attempts.
    const prometheusRatio = Math.min(failures, Math.max(attempts - iceConnected, 0) + dtlsFailures) / attempts;
    expect(prometheusRatio).toBe(0.25);
    const fast = await evaluate('reliability', 'call-setup-burn-fast');
    expect(fast.groups.map((g) => g.value)).toEqual([expect.closeTo(prometheusRatio / 0.01, 9)]);
  });

  it('mid-call failures: one of the three connections that connected, by both forms (no +Inf, no setup failure counted)', async () => {
    const attempts = await counter('webrtc.connection.attempts', region);
    const failures = await counter('webrtc.connection.failures', region);
    const iceConnected = await counter('webrtc.ice.pair_formation_time', region, '_count');
    const samples = await counter('webrtc.connection.rtt', region, '_count');
    expect(samples).toBe(9);
    const midCall = Math.max(failures - Math.max(attempts - iceConnected, 0), 0);
    // Window 15 min, 2 s per sample: connections active ≈ connected in the window + those sampled at once.
    const prometheusPct = (100 * midCall) / (iceConnected + (samples * 2) / 900);
    const result = await evaluate('reliability', 'mid-call-connection-failures');
    expect(result.groups).toEqual([{ labels: { tenant: 'reliability', region }, value: expect.closeTo(100 / 3, 9), firing: true }]);
    expect(prometheusPct).toBeCloseTo(100 / 3, 0);
  });
});

describe('"How to confirm" queries', () => {
  it('every SQL step of every runbook page runs on the collector\'s schema', async () => {
    const steps = RUNBOOK.flatMap((page) => page.confirm.flatMap((step) => ('language' in step && step.language === 'sql' ? [{ page: page.slug, sql: step.query }] : [])));
    expect(steps.length).toBeGreaterThan(5);
    for (const step of steps) {
      const result = await app.store.client.query({ query: step.sql, query_params: { tenant: 'network' }, format: 'JSONEachRow' });
      await expect(result.json(), step.page).resolves.toBeInstanceOf(Array);
    }
  });
});
