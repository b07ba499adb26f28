import type { ReportEvent } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonym, type AuditKey } from '../src/audit/actor-key.js';
import type { AuditRow } from '../src/audit/canonical.js';
import { RECORDINGS_WITHOUT_CONSENT_SQL, auditCompleteness, completenessParams } from '../src/audit/completeness.js';
import { readAuditRows, verifyTenantAudit } from '../src/audit/read.js';
import { runAuditVerify } from '../src/cli/audit-verify.js';
import type { CollectorApp } from '../src/index.js';
import { TEST_SERVER_KEY, TEST_TENANTS, appOn, makeBatch, postBatch, removeDir, select, tempDataDir } from './fixtures.js';
import { postServer, recordingEvent } from './server-fixtures.js';

const AUDIT_KEY: AuditKey = { key: Buffer.alloc(32, 9), source: 'env' };
const TENANT = 'acme-public-key';
/** Keys of the tenant beside the fixtures' all-scope `acme-server` key. */
const EVENTS_KEY = 'acme-recorder-key-0123456789';
const ADMIN_KEY = 'acme-admin-console-key-0123456789';

let app: CollectorApp;
let dataDir: string;

beforeAll(async () => {
  dataDir = await tempDataDir();
  const tenants = TEST_TENANTS.tenants.map((t) =>
    t.id !== TENANT
      ? t
      : {
          ...t,
          serverKeys: [
            ...t.serverKeys,
            { id: 'acme-recorder', key: EVENTS_KEY, scopes: ['events' as const] },
            { id: 'acme-admin-console', key: ADMIN_KEY, scopes: ['admin' as const] },
          ],
        },
  );
  app = await appOn(dataDir, { security: { tenants: { tenants }, auditKey: AUDIT_KEY } });
});
afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

const auditEvent = (ts: number, name: string, state?: string): ReportEvent => ({ ts, type: 'audit', name, ...(state ? { state } : {}) });

async function rowsWhere(predicate: (row: AuditRow) => boolean): Promise<AuditRow[]> {
  await app.audit.flush();
  return (await readAuditRows(app.store.client, TENANT)).filter(predicate);
}

describe('recording jobs in the audit log', () => {
  it('a recording started in a call where a session joined without consent is reported; one after consent is not', async () => {
    const now = Date.now();
    const joinOnly = makeBatch({ sessionId: 'no-consent-sess', callId: 'room-no-consent', events: [auditEvent(now - 5000, 'join', 'unknown')] });
    const consented = makeBatch({
      sessionId: 'consent-sess',
      callId: 'room-consent',
      events: [auditEvent(now - 5000, 'join', 'unknown'), auditEvent(now - 4000, 'recording.consent.granted', 'granted')],
    });
    for (const batch of [joinOnly, consented]) expect((await postBatch(app, batch)).statusCode).toBe(202);
    for (const [room, jobId] of [['room-no-consent', 'job-a'], ['room-consent', 'job-b']] as const) {
      const response = await postServer(app, 'recordings', recordingEvent({ ts: now - 1000, sessionId: room, jobId }), TEST_SERVER_KEY);
      expect(response.statusCode, response.body).toBe(202);
      expect(response.json()).toEqual({ accepted: { rows: 1, audit: 1 } });
    }

    const params = completenessParams({ tenant: TENANT, sinceMs: now - 60_000 });
    const found = await select<{ call_id: string; recording_ms: number | string; sessions_without_consent: string[] }>(
      app,
      RECORDINGS_WITHOUT_CONSENT_SQL,
      params,
    );
    expect(found.map((r) => [r.call_id, Number(r.recording_ms), r.sessions_without_consent])).toEqual([
      ['room-no-consent', now - 1000, ['no-consent-sess']],
    ]);
    const completeness = await auditCompleteness(app.store.client, { tenant: TENANT, sinceMs: now - 60_000 });
    expect(completeness.recordingsWithoutConsent).toBe(1);
    // And the runbook's compliance alert, evaluated by the collector, fires for it (one recording).
    const evaluated = await app.inject({
      method: 'GET',
      url: `/v1/alerts/evaluate?tenant=${TENANT}`,
      headers: { authorization: `Bearer ${TEST_SERVER_KEY}` },
    });
    const rule = (evaluated.json() as { rules: { alert: string; status: string; groups: { value: number }[] }[] }).rules.find(
      (r) => r.alert === 'RecordingWithoutConsent',
    );
    expect(rule).toMatchObject({ status: 'firing', groups: [{ value: 1 }] });

    const [start] = await rowsWhere((r) => r.action === 'recording.start' && r.object === 'job-a');
    expect(start).toMatchObject({
      outcome: 'success',
      ts_ms: now - 1000,
      call_id: 'room-no-consent',
      session_id: '',
      actor: pseudonym(AUDIT_KEY.key, 'server_key', 'acme-server'),
      actor_kind: 'server_key',
      route: 'POST /v1/server/recordings',
      region: 'eu-west',
      source: expect.stringMatching(/^ip:[0-9a-f]{32}$/),
    });
    expect(JSON.stringify(start)).not.toContain(TEST_SERVER_KEY);
  });

  it('finished and failed become recording.stop with their outcome, and a retried POST appends once', async () => {
    const now = Date.now();
    const finished = recordingEvent({ ts: now, sessionId: 'room-stop', jobId: 'job-ok', state: 'finished', durationMs: 60_000, bytes: 1e6 });
    const failed = recordingEvent({ ts: now, sessionId: 'room-stop', jobId: 'job-bad', state: 'failed', reason: 'disk_full' });
    const answers: unknown[] = [];
    for (const event of [finished, failed, finished, failed]) {
      const response = await postServer(app, 'recordings', event, EVENTS_KEY);
      expect(response.statusCode, response.body).toBe(202);
      answers.push(response.json());
    }
    expect(answers.map((a) => (a as { accepted: { audit: number } }).accepted.audit)).toEqual([1, 1, 0, 0]);

    const stops = await rowsWhere((r) => r.call_id === 'room-stop');
    expect(stops.map((r) => [r.action, r.object, r.outcome, r.reason])).toEqual([
      ['recording.stop', 'job-ok', 'success', ''],
      ['recording.stop', 'job-bad', 'failure', 'disk_full'],
    ]);
    expect(stops[0]?.actor).toBe(pseudonym(AUDIT_KEY.key, 'server_key', 'acme-recorder'));
    expect(JSON.parse(stops[0]?.details ?? '{}')).toEqual({ bytes: 1e6, duration_ms: 60_000, node: 'rec-1', state: 'finished' });
  });
});

describe('POST /v1/server/audit', () => {
  const RAW_ACTOR = 'operator-jane@example.com';

  it('records recording.access with an events key, the actor stored only as its pseudonym, once per eventId', async () => {
    const body = { action: 'recording.access', actor: RAW_ACTOR, object: 'job-a', callId: 'room-no-consent', reason: 'download', eventId: 'acc-1' };
    const first = await postServer(app, 'audit', body, EVENTS_KEY);
    expect(first.statusCode, first.body).toBe(202);
    const actor = pseudonym(AUDIT_KEY.key, 'user', RAW_ACTOR);
    expect(first.json()).toMatchObject({
      accepted: { rows: 1, audit: [{ action: 'recording.access', outcome: 'success', actor, actorKind: 'user', object: 'job-a', callId: 'room-no-consent' }] },
    });
    const retry = await postServer(app, 'audit', body, EVENTS_KEY);
    expect(retry.json()).toEqual({ accepted: { rows: 0, audit: [] } });

    const rows = await rowsWhere((r) => r.action === 'recording.access');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor, actor_kind: 'user', object: 'job-a', reason: 'download', route: 'POST /v1/server/audit' });
    expect(JSON.parse(rows[0]?.details ?? '{}')).toEqual({ via_key: 'acme-recorder' });
    const everything = await (await app.store.client.query({ query: 'SELECT * FROM audit_log', format: 'JSONEachRow' })).text();
    expect(everything).toContain(actor);
    expect(everything).not.toContain(RAW_ACTOR);
  });

  it('refuses admin.change with 403 for a key without the admin scope (audited), and appends it with an admin key', async () => {
    const body = { action: 'admin.change', actor: RAW_ACTOR, object: 'retention.days', reason: '30 -> 90' };
    const refused = await postServer(app, 'audit', body, EVENTS_KEY);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toMatch(/"admin" scope/);
    const accessByAdminOnly = await postServer(app, 'audit', { action: 'recording.access', object: 'job-a' }, ADMIN_KEY);
    expect(accessByAdminOnly.statusCode).toBe(403);
    expect((await rowsWhere((r) => r.action === 'admin.change')).length).toBe(0);
    const refusals = await rowsWhere((r) => r.action === 'auth.failure' && r.route === 'POST /v1/server/audit');
    expect(refusals.map((r) => r.actor)).toEqual([
      pseudonym(AUDIT_KEY.key, 'server_key', 'acme-recorder'),
      pseudonym(AUDIT_KEY.key, 'server_key', 'acme-admin-console'),
    ]);

    const accepted = await postServer(app, 'audit', body, ADMIN_KEY);
    expect(accepted.statusCode, accepted.body).toBe(202);
    const changes = await rowsWhere((r) => r.action === 'admin.change');
    expect(changes.map((r) => [r.object, r.reason, r.outcome, r.actor_kind])).toEqual([['retention.days', '30 -> 90', 'success', 'user']]);
  });

  it('names the bad field of a body it refuses', async () => {
    const unknown = await postServer(app, 'audit', { action: 'recording.delete' }, EVENTS_KEY);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/body\/action/);
    const extra = await postServer(app, 'audit', { action: 'recording.access', secret: 'x' }, EVENTS_KEY);
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toMatch(/body\/secret/);
  });

  it('leaves the hash chain intact: verified in process and by `npm run audit:verify`', async () => {
    const verification = await verifyTenantAudit(app.store.client, TENANT);
    const chains = Object.values(verification.chains);
    expect(chains).toHaveLength(1);
    expect(chains[0]?.findings).toEqual([]);
    const total = (await rowsWhere(() => true)).length;
    await app.close();
    const lines: string[] = [];
    expect(await runAuditVerify(['--tenant', TENANT, '--data-dir', dataDir], {}, { log: (l) => lines.push(l) })).toBe(0);
    expect(lines[0]).toBe(`${TENANT}: OK, ${total} rows in 1 chain`);
  });
});
