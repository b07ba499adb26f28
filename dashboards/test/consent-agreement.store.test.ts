import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRICES, RUNBOOK, ruleById, ruleSql } from '@rtcpulse/alerts';
import { RECORDINGS_WITHOUT_CONSENT_SQL, auditCompleteness, buildApp, completenessParams, serverEventsConfig, type AppOptions, type CollectorApp } from '@rtcpulse/collector';
import type { RecordingEvent, ReportBatch, ReportEvent } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandQuery, generateDashboards } from '../src/index.js';
import { queryOf } from './seeded-store.js';

/**
 * "Recordings without consent" is one definition: the Compliance panel the
 * runbook sends on-call to, the `RecordingWithoutConsent` rule's SQL form and
 * the collector's completeness count agree, case by case, on audit rows
 * written through the collector's own routes (participants' join, leave and
 * consent events in `/v1/reports`; recorder starts in
 * `/v1/server/recordings`, stored with the call id and no session id).
 * Each case is a tenant of its own with one call, so the rule's per-tenant
 * value is the case's count.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const now = Date.now();
const PANEL = queryOf('rtcpulse-compliance', 'Recordings without prior consent');
const RULE = ruleById('recording-without-consent').rule;

type Step = { readonly at: number } & (
  | { readonly session: string; readonly audit: 'join' | 'leave' | 'granted' | 'withdrawn' }
  | { readonly recording: string }
  | { readonly stop: string }
);

interface Case {
  readonly tenant: string;
  readonly says: string;
  readonly steps: readonly Step[];
  /** Recording starts without consent: job id to the sessions present without it. */
  readonly expected: Readonly<Record<string, readonly string[]>>;
}

const t0 = now - 30 * MINUTE;
const join_ = (session: string, at: number): Step => ({ session, audit: 'join', at });
const CASES: readonly Case[] = [
  {
    tenant: 'c-granted',
    says: 'consent granted, then a recording: nothing to report',
    steps: [join_('g-1', t0), { session: 'g-1', audit: 'granted', at: t0 + 1000 }, { recording: 'job-g', at: t0 + 10_000 }],
    expected: {},
  },
  {
    tenant: 'c-never',
    says: 'a participant who never consented is present: reported, with that participant only',
    steps: [join_('n-1', t0), { session: 'n-1', audit: 'granted', at: t0 + 1000 }, join_('n-2', t0 + 2000), { recording: 'job-n', at: t0 + 10_000 }],
    expected: { 'job-n': ['n-2'] },
  },
  {
    tenant: 'c-withdrawn',
    says: 'consent granted, then withdrawn before the recording: reported',
    steps: [join_('w-1', t0), { session: 'w-1', audit: 'granted', at: t0 + 1000 }, { session: 'w-1', audit: 'withdrawn', at: t0 + 5000 }, { recording: 'job-w', at: t0 + 10_000 }],
    expected: { 'job-w': ['w-1'] },
  },
  {
    tenant: 'c-left',
    says: 'the participant without consent left before the recording: nothing to report',
    steps: [join_('l-1', t0), { session: 'l-1', audit: 'granted', at: t0 + 1000 }, join_('l-2', t0 + 2000), { session: 'l-2', audit: 'leave', at: t0 + 5000 }, { recording: 'job-l', at: t0 + 10_000 }],
    expected: {},
  },
  {
    tenant: 'c-per-call',
    says: 'recorder starts (no session id) are judged per call: one before the consent, one after it',
    steps: [join_('p-1', t0), { recording: 'job-p-early', at: t0 + 5000 }, { session: 'p-1', audit: 'granted', at: t0 + 10_000 }, { recording: 'job-p-late', at: t0 + 20_000 }],
    expected: { 'job-p-early': ['p-1'] },
  },
  {
    tenant: 'c-late-joiner',
    says: 'a participant who joins while the recording runs and never consents: reported',
    steps: [join_('lj-1', t0), { session: 'lj-1', audit: 'granted', at: t0 + 1000 }, { recording: 'job-lj', at: t0 + 10_000 }, join_('lj-2', t0 + 20_000), { stop: 'job-lj', at: t0 + 300_000 }],
    expected: { 'job-lj': ['lj-2'] },
  },
  {
    tenant: 'c-late-granted',
    says: 'a participant who joins while the recording runs and consents within the grace: nothing to report',
    steps: [{ recording: 'job-lg', at: t0 + 10_000 }, join_('lg-1', t0 + 20_000), { session: 'lg-1', audit: 'granted', at: t0 + 50_000 }, { stop: 'job-lg', at: t0 + 300_000 }],
    expected: {},
  },
  {
    tenant: 'c-withdrawn-during',
    says: 'consent withdrawn while the recording goes on: reported',
    steps: [join_('wd-1', t0), { session: 'wd-1', audit: 'granted', at: t0 + 1000 }, { recording: 'job-wd', at: t0 + 10_000 }, { session: 'wd-1', audit: 'withdrawn', at: t0 + 30_000 }, { stop: 'job-wd', at: t0 + 300_000 }],
    expected: { 'job-wd': ['wd-1'] },
  },
  {
    tenant: 'c-after-stop',
    says: 'a participant without consent who joins after the recording stopped, or who withdraws just before the stop: nothing to report',
    steps: [
      join_('as-1', t0), { session: 'as-1', audit: 'granted', at: t0 + 1000 }, { recording: 'job-as', at: t0 + 10_000 },
      { session: 'as-1', audit: 'withdrawn', at: t0 + 50_000 }, { stop: 'job-as', at: t0 + 60_000 }, join_('as-2', t0 + 100_000),
    ],
    expected: {},
  },
  {
    tenant: 'c-still-recording',
    says: 'a late joiner without consent in a recording that has not stopped: reported',
    steps: [{ recording: 'job-sr', at: t0 + 10_000 }, join_('sr-1', t0 + 20_000)],
    expected: { 'job-sr': ['sr-1'] },
  },
  {
    tenant: 'c-repeat-withdraw',
    says: 'consent withdrawn again every 50 s while the recording goes on: the exposure runs from the first withdrawal, reported',
    steps: [
      join_('rw-1', t0), { session: 'rw-1', audit: 'granted', at: t0 + 1000 }, { recording: 'job-rw', at: t0 + 10_000 },
      ...[20_000, 70_000, 120_000, 170_000].map((d): Step => ({ session: 'rw-1', audit: 'withdrawn', at: t0 + d })),
      { stop: 'job-rw', at: t0 + 220_000 },
    ],
    expected: { 'job-rw': ['rw-1'] },
  },
  {
    tenant: 'c-two-recordings',
    says: 'two recordings of one call, each ended by its own stop: a late joiner after the first stopped counts against the second only',
    steps: [
      { recording: 'job-a', at: t0 + 10_000 }, { recording: 'job-b', at: t0 + 20_000 }, { stop: 'job-a', at: t0 + 60_000 },
      join_('tr-1', t0 + 100_000), { stop: 'job-b', at: t0 + 400_000 },
    ],
    expected: { 'job-b': ['tr-1'] },
  },
  {
    tenant: 'c-joined-early',
    says: 'a participant who joined before the time range and never consented: reported',
    steps: [join_('e-1', now - 2 * HOUR), { recording: 'job-e', at: now - 10 * MINUTE }],
    expected: { 'job-e': ['e-1'] },
  },
];

const serverKey = (tenant: string) => `${tenant}-recorder-key-0123456789`;
let app: CollectorApp;
let dataDir: string;

async function post(url: string, body: unknown, authorization?: string): Promise<void> {
  const headers = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
  const response = await app.inject({ method: 'POST', url, headers, payload: JSON.stringify(body) });
  expect(response.statusCode, response.body).toBe(202);
}

/** One batch per session, as the SDK sends its audit events; one job event per recorder start. */
async function seed(c: Case): Promise<void> {
  const sessions = [...new Set(c.steps.flatMap((s) => ('session' in s ? [s.session] : [])))];
  const NAME = { join: 'join', leave: 'leave', granted: 'recording.consent.granted', withdrawn: 'recording.consent.withdrawn' } as const;
  for (const session of sessions) {
    const events: ReportEvent[] = c.steps.flatMap((s) => ('session' in s && s.session === session ? [{ ts: s.at, type: 'audit' as const, name: NAME[s.audit] }] : []));
    const batch: ReportBatch = {
      v: 1, sdkVersion: '0.1.0', tenant: c.tenant, sessionId: session, callId: `call-${c.tenant}`, participantId: `p-${session}`, batchSeq: 0,
      sentAt: Date.now(), meta: { region: 'eu-west', topology: 'sfu' }, dropped: { samples: 0, events: 0 }, samples: [], events,
    };
    await post(`/v1/reports?key=${c.tenant}`, batch);
  }
  for (const s of c.steps) {
    if ('session' in s) continue;
    const job = 'recording' in s ? { jobId: s.recording, state: 'started' as const } : { jobId: s.stop, state: 'finished' as const, durationMs: 60_000, bytes: 1e6 };
    const event: RecordingEvent = { v: 1, nodeId: 'rec-1', region: 'eu-west', sessionId: `call-${c.tenant}`, ts: s.at, ...job };
    await post('/v1/server/recordings', event, `Bearer ${serverKey(c.tenant)}`);
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-consent-'));
  const tenants = CASES.map((c) => ({ id: c.tenant, publicKeys: [{ key: c.tenant, origins: ['*'] }], serverKeys: [] }));
  const security = { tenants: { tenants } } as unknown as AppOptions['security'];
  const keys = CASES.map((c) => ({ tenant: c.tenant, key: serverKey(c.tenant) }));
  app = await buildApp({ store: { kind: 'embedded', dataDir }, security, serverEvents: serverEventsConfig(keys) });
  for (const c of CASES) await seed(c);
  await app.audit.flush();
});

afterAll(async () => {
  await app?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const run = async (sql: string, params: Record<string, unknown> = {}) =>
  (await app.store.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<Record<string, unknown>>();

/** Recording start time (epoch ms) to its sessions without consent, from rows with a time and one or all sessions. */
function byRecording(rows: readonly { ms: number; sessions: readonly string[] }[]): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (const r of rows) out[r.ms] = [...(out[r.ms] ?? []), ...r.sessions].sort();
  return out;
}

const utcMs = (text: unknown) => Date.parse(`${String(text).replace(' ', 'T')}Z`);

/** What each consumer reports for one case's tenant, over the last hour. */
async function reported(tenant: string) {
  const context = { from: new Date(now - HOUR), to: new Date(now), intervalMs: 10_000, variables: { ...PANEL.constants, tenant: { values: [tenant] } } };
  const panel = await run(expandQuery(PANEL.rawSql, context));
  const rule = await run(ruleSql(RULE, { now: `fromUnixTimestamp64Milli(${now})`, oneTenant: true, prices: DEFAULT_PRICES }), { tenant });
  const options = { tenant, sinceMs: now - HOUR };
  const collector = await run(RECORDINGS_WITHOUT_CONSENT_SQL, completenessParams(options));
  return {
    panel: byRecording(panel.map((r) => ({ ms: utcMs(r.recording_at), sessions: [String(r.session_id)] }))),
    panelTenants: [...new Set(panel.map((r) => r.tenant))],
    ruleValue: rule.length === 0 ? 0 : Number(rule[0]?.value),
    collector: byRecording(collector.map((r) => ({ ms: Number(r.recording_ms), sessions: r.sessions_without_consent as string[] }))),
    collectorCount: (await auditCompleteness(app.store.client, options)).recordingsWithoutConsent,
  };
}

describe('recordings without consent: one definition for the dashboard, the alert and the collector', () => {
  it('the runbook sends on-call to a table panel of the Compliance dashboard, the one run here', () => {
    const page = RUNBOOK.find((p) => p.rules.some((r) => r.alert === RULE.alert));
    const step = page?.confirm.find((s) => 'panel' in s && s.panel === PANEL.where);
    expect(step).toMatchObject({ dashboard: PANEL.dashboard });
    const board = generateDashboards().find((b) => b.dashboard.uid === PANEL.dashboard);
    const panels = (board?.dashboard.panels ?? []) as unknown as { type: string; title: string }[];
    expect(panels.filter((p) => p.title === PANEL.where).map((p) => p.type)).toEqual(['table']);
  });

  it('stores recorder starts with the call id and no session id', async () => {
    const rows = await run("SELECT DISTINCT session_id, call_id != '' AS has_call FROM audit_log WHERE action = 'recording.start'");
    expect(rows).toEqual([{ session_id: '', has_call: 1 }]);
  });

  it.each(CASES.map((c) => [c.says, c] as const))('%s', async (_says, c) => {
    const startOf = (job: string) => c.steps.find((s) => 'recording' in s && s.recording === job)!.at;
    const expected = Object.fromEntries(Object.entries(c.expected).map(([job, sessions]) => [startOf(job), [...sessions]]));
    const got = await reported(c.tenant);
    expect(got.panel, 'dashboard panel').toEqual(expected);
    expect(got.panelTenants, 'dashboard panel tenant column').toEqual(Object.keys(expected).length > 0 ? [c.tenant] : []);
    expect(got.collector, 'collector SQL').toEqual(expected);
    expect(got.ruleValue, 'alert rule value').toBe(Object.keys(expected).length);
    expect(got.collectorCount, 'collector completeness count').toBe(Object.keys(expected).length);
  });

  it('with every tenant selected, the panel lists every reported recording once per participant without consent', async () => {
    const all = { all: true as const, options: CASES.map((c) => c.tenant) };
    const rows = await run(expandQuery(PANEL.rawSql, { from: new Date(now - HOUR), to: new Date(now), intervalMs: 10_000, variables: { ...PANEL.constants, tenant: all } }));
    const expected = CASES.flatMap((c) => Object.values(c.expected).flatMap((sessions) => sessions.map((s) => `${c.tenant}/call-${c.tenant}/${s}`)));
    expect(rows.map((r) => `${String(r.tenant)}/${String(r.call_id)}/${String(r.session_id)}`).sort()).toEqual(expected.sort());
    const fired = await run(ruleSql(RULE, { now: `fromUnixTimestamp64Milli(${now})`, oneTenant: false, prices: DEFAULT_PRICES }));
    expect(fired.reduce((sum, r) => sum + Number(r.value), 0)).toBe(new Set(rows.map((r) => `${String(r.tenant)}/${String(r.recording_at)}`)).size);
  });
});
