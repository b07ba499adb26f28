import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ReportEvent } from '@rtcpulse/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { pseudonym, type AuditKey } from '../src/audit/actor-key.js';
import type { AuditRow } from '../src/audit/canonical.js';
import { JOINS_WITHOUT_LEAVE_SQL, RECORDINGS_WITHOUT_CONSENT_SQL, auditCompleteness, completenessParams } from '../src/audit/completeness.js';
import { refreshCompletenessGauges } from '../src/audit/completeness-gauges.js';
import { createAuditLog } from '../src/audit/log.js';
import { readAuditRows, verifyTenantAudit, type TenantAuditVerification } from '../src/audit/read.js';
import type { AuditVerification } from '../src/audit/verify.js';
import type { AuditRecord } from '../src/audit/record.js';
import { runAuditVerify } from '../src/cli/audit-verify.js';
import type { CollectorApp } from '../src/index.js';
import { toDateTime64 } from '../src/store/rows.js';
import { TEST_TENANTS, appOn, appPerFile, makeBatch, postBatch, select } from './fixtures.js';
import { parsePrometheus } from './server-fixtures.js';

const AUDIT_KEY: AuditKey = { key: Buffer.alloc(32, 7), source: 'env' };
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let app: CollectorApp;
let dataDir: string;
const reopen = appPerFile(
  (dir) => appOn(dir, { security: { tenants: TEST_TENANTS, auditKey: AUDIT_KEY, region: 'test-region' } }),
  (opened, dir) => {
    app = opened;
    dataDir = dir;
  },
);

/** The one chain of a tenant written by a single collector. */
function onlyChain(result: TenantAuditVerification): AuditVerification & { writer: string } {
  const chains = Object.entries(result.chains);
  expect(chains).toHaveLength(1);
  const [writer, chain] = chains[0] ?? ['', undefined];
  if (!chain) throw new Error('no chain');
  return { ...chain, writer };
}

const auditEvent = (ts: number, name: string, state?: string): ReportEvent => ({ ts, type: 'audit', name, ...(state ? { state } : {}) });
const TENANT = 'acme-public-key';

async function rowsOf(tenant: string): Promise<AuditRow[]> {
  await app.audit.flush();
  return readAuditRows(app.store.client, tenant);
}

describe('audit events from reports', () => {
  it('become audit rows with the AU-3 fields and a pseudonymous actor, once even when the report is retried', async () => {
    const now = Date.now();
    const batch = makeBatch({
      sessionId: 'audited',
      events: [
        auditEvent(now - 3000, 'join', 'unknown'),
        { ts: now - 2500, type: 'session.start' },
        auditEvent(now - 2000, 'recording.consent.granted', 'granted'),
        auditEvent(now - 1000, 'leave', 'granted'),
      ],
    });
    expect((await postBatch(app, batch)).statusCode).toBe(202);
    expect((await postBatch(app, batch)).statusCode).toBe(202);
    const rows = await rowsOf(TENANT);
    expect(rows.map((r) => [r.seq, r.action])).toEqual([
      [1, 'session.join'],
      [2, 'consent.granted'],
      [3, 'session.leave'],
    ]);
    expect(rows[1]).toMatchObject({
      tenant: TENANT,
      ts_ms: now - 2000,
      outcome: 'success',
      actor: pseudonym(AUDIT_KEY.key, 'participant', 'alice'),
      actor_kind: 'participant',
      service: 'rtcpulse-collector',
      route: 'POST /v1/reports',
      region: 'eu-west',
      source: expect.stringMatching(/^ip:[0-9a-f]{32}$/),
      session_id: 'audited',
      call_id: 'call-42',
      object: 'recording',
      details: '{"consent":"granted"}',
    });
    expect(JSON.stringify(rows)).not.toContain('alice');
    expect(JSON.stringify(rows)).not.toContain('127.0.0.1');
    expect((await verifyTenantAudit(app.store.client, TENANT)).ok).toBe(true);
  });

  it('continue the same chain after a restart', async () => {
    await reopen();
    const next = makeBatch({ sessionId: 'after-restart', events: [auditEvent(Date.now(), 'join')] });
    expect((await postBatch(app, next)).statusCode).toBe(202);
    const rows = await rowsOf(TENANT);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(rows[3]?.prev_hash).toBe(rows[2]?.hash);
    const verified = await verifyTenantAudit(app.store.client, TENANT);
    expect(verified).toMatchObject({ ok: true, rows: 4 });
    expect(onlyChain(verified)).toMatchObject({ writer: rows[0]?.writer, head: { seq: 4 } });
    expect(rows[0]?.writer).toMatch(/^[0-9a-f]{12}$/);
    // The heads this instance moved, as the hourly (and closing) `audit chain heads` log line gives them: once.
    expect(app.audit.takeNewHeads()).toEqual([{ tenant: TENANT, writer: rows[0]?.writer, seq: 4, hash: rows[3]?.hash }]);
    expect(app.audit.takeNewHeads()).toEqual([]);
  });
});

async function appendChain(tenant: string, length: number): Promise<void> {
  const records: AuditRecord[] = Array.from({ length }, (_, i) => ({
    tenant,
    action: i % 2 === 0 ? 'admin.change' : 'recording.access',
    outcome: 'success',
    actor: { kind: 'server_key', id: 'ops' },
    object: `object-${i + 1}`,
  }));
  for (const record of records) await app.audit.append([record]);
}

async function mutate(query: string): Promise<void> {
  await app.store.client.command({ query, clickhouse_settings: { mutations_sync: '2' } });
}

describe('tampering, found by the verifier', () => {
  beforeAll(async () => {
    for (const tenant of ['chg', 'del', 'ord', 'intact']) await appendChain(tenant, 6);
  });

  it('names the row changed in place', async () => {
    await mutate(`ALTER TABLE audit_log UPDATE outcome = 'failure' WHERE tenant = 'chg' AND seq = 3`);
    const result = onlyChain(await verifyTenantAudit(app.store.client, 'chg'));
    expect(result.findings).toEqual([{ kind: 'changed', seq: 3, message: 'row seq 3 was changed: its content no longer matches its hash' }]);
  });

  it('names the row deleted', async () => {
    await mutate(`ALTER TABLE audit_log DELETE WHERE tenant = 'del' AND seq = 4`);
    const result = onlyChain(await verifyTenantAudit(app.store.client, 'del'));
    expect(result.findings).toEqual([
      { kind: 'deleted', afterSeq: 3, beforeSeq: 5, missingSeqs: [4], message: 'row seq 4 was deleted (between seq 3 and seq 5)' },
    ]);
  });

  it('names rows put back out of order', async () => {
    const rows = await rowsOf('ord');
    await mutate(`ALTER TABLE audit_log DELETE WHERE tenant = 'ord' AND seq IN (3, 4)`);
    const swapped = rows
      .filter((r) => r.seq === 3 || r.seq === 4)
      .map(({ ts_ms, recorded_at_ms, ...rest }) => ({ ...rest, seq: 7 - rest.seq, ts: toDateTime64(ts_ms), recorded_at: toDateTime64(recorded_at_ms) }));
    await app.store.insertRows('audit_log', swapped.reverse(), 'tamper-reorder');
    const result = onlyChain(await verifyTenantAudit(app.store.client, 'ord'));
    expect(result.findings).toEqual([
      { kind: 'reordered', seqs: [3, 4], chainOrder: [4, 3], message: 'rows seq 3, 4 are out of order: the hash chain links them as 4 -> 3' },
    ]);
  });

  it('reports through `npm run audit:verify` with exit code 1 on tampering and 0 on an intact chain', async () => {
    const intact = onlyChain(await verifyTenantAudit(app.store.client, 'intact'));
    const head = `${intact.writer}:6:${intact.head.hash}`;
    await reopen(async () => {
      const lines: string[] = [];
      const code = await runAuditVerify(['--tenant', 'chg', '--tenant', 'del', '--tenant', 'intact', '--data-dir', dataDir], {}, { log: (l) => lines.push(l) });
      expect(code).toBe(1);
      expect(lines).toContain('chg: TAMPERED, 6 rows in 1 chain, 1 finding(s)');
      expect(lines).toContain('    changed: row seq 3 was changed: its content no longer matches its hash');
      expect(lines).toContain('    deleted: row seq 4 was deleted (between seq 3 and seq 5)');
      const intactReport = ['intact: OK, 6 rows in 1 chain', `  chain ${intact.writer}: 6 rows, head ${head}`];
      expect(lines.slice(-2)).toEqual(intactReport);
      // The head printed, passed back: fine while the chain is whole, with or without the writer named.
      for (const expected of [head, `6:${intact.head.hash}`]) {
        const intactLines: string[] = [];
        expect(await runAuditVerify(['--tenant', 'intact', '--data-dir', dataDir, '--expect-head', expected], {}, { log: (l) => intactLines.push(l) })).toBe(0);
        expect(intactLines).toEqual(intactReport);
      }
      // The npm script, as an operator runs it.
      const failed = await promisify(execFile)('npm', ['run', '--silent', 'audit:verify', '--', '--tenant', 'ord', '--data-dir', dataDir], {
        cwd: repoRoot,
        env: { ...process.env, CLICKHOUSE_URL: '' },
      }).catch((error: { code: number; stdout: string }) => error);
      expect('code' in failed ? failed.code : 0).toBe(1);
      expect(failed.stdout).toContain('ord: TAMPERED, 6 rows in 1 chain, 1 finding(s)');
      expect(failed.stdout).toContain('reordered: rows seq 3, 4 are out of order: the hash chain links them as 4 -> 3');
    });
  });
});

describe('collectors side by side', () => {
  const storage = () => ({ client: app.store.client, insertRows: (table: string, rows: readonly object[], token?: string) => app.store.insertRows(table, rows, token) });
  const logAs = (writer: string) => createAuditLog(storage(), { hmacKey: AUDIT_KEY.key, service: 'rtcpulse-collector', region: '', writer }, { error: () => undefined });
  const record = (tenant: string, i: number): AuditRecord => ({ tenant, action: 'admin.change', outcome: 'success', object: `change-${i}` });
  /** Two logs appending to one tenant at the same time, as two collectors behind a load balancer do. */
  async function interleave(tenant: string, a: ReturnType<typeof logAs>, b: ReturnType<typeof logAs>): Promise<void> {
    await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).append([record(tenant, i)])));
  }

  it('each keep their own chain of a tenant, and the verifier checks each', async () => {
    await interleave('pair', logAs('collector-a'), logAs('collector-b'));
    const result = await verifyTenantAudit(app.store.client, 'pair');
    expect(result).toMatchObject({ ok: true, rows: 6 });
    expect(Object.keys(result.chains)).toEqual(['collector-a', 'collector-b']);
    expect(result.chains['collector-b']).toMatchObject({ rows: 3, head: { seq: 3 }, findings: [] });

    await mutate(`ALTER TABLE audit_log DELETE WHERE tenant = 'pair' AND writer = 'collector-b' AND seq = 2`);
    const tampered = await verifyTenantAudit(app.store.client, 'pair');
    expect(tampered.ok).toBe(false);
    expect(tampered.chains['collector-a']?.ok).toBe(true);
    expect(tampered.chains['collector-b']?.findings).toEqual([expect.objectContaining({ kind: 'deleted', missingSeqs: [2] })]);
    // A chain deleted whole is found through the head an earlier run printed.
    const headB = result.chains['collector-b']?.head ?? { seq: 0, hash: '' };
    await mutate(`ALTER TABLE audit_log DELETE WHERE tenant = 'pair' AND writer = 'collector-b'`);
    const gone = await verifyTenantAudit(app.store.client, 'pair', { 'collector-b': headB });
    expect(gone.chains['collector-b']?.findings).toEqual([expect.objectContaining({ kind: 'deleted', missingSeqs: [1, 2, 3] })]);
  });

  it("keep rows from before per-writer chains as the chain '', whose printed head audit:verify takes back", async () => {
    await interleave('legacy', logAs(''), logAs('collector-a'));
    const before = await verifyTenantAudit(app.store.client, 'legacy');
    const legacyHead = before.chains['']?.head ?? { seq: 0, hash: '' };
    await reopen(async () => {
      for (const head of [`:${legacyHead.seq}:${legacyHead.hash}`, `${legacyHead.seq}:${legacyHead.hash}`]) {
        const lines: string[] = [];
        expect(await runAuditVerify(['--tenant', 'legacy', '--data-dir', dataDir, '--expect-head', head], {}, { log: (l) => lines.push(l) }), head).toBe(0);
        expect(lines).toContain(`  chain '' (written before per-writer chains): 3 rows, head :3:${legacyHead.hash}`);
      }
    });
  });

  it('would fork one shared chain, which is why each has its own', async () => {
    await interleave('shared', logAs('same-id'), logAs('same-id'));
    expect((await verifyTenantAudit(app.store.client, 'shared')).ok).toBe(false);
  });
});

describe('audit completeness', () => {
  it('counts sessions that joined without leaving and recordings made before every participant consented', async () => {
    const t = Date.now() - 3_600_000;
    const row = (action: AuditRecord['action'], minute: number, sessionId: string, callId: string): AuditRecord => ({
      tenant: 'comp',
      action,
      outcome: 'success',
      ts: t + minute * 60_000,
      sessionId,
      callId,
    });
    await app.audit.append([
      row('session.join', 0, 's1', 'room-1'),
      row('consent.granted', 1, 's1', 'room-1'),
      row('session.join', 2, 's2', 'room-1'),
      row('recording.start', 3, '', 'room-1'),
      row('consent.granted', 4, 's2', 'room-1'),
      row('recording.start', 5, '', 'room-1'),
      row('session.leave', 6, 's1', 'room-1'),
      row('session.join', 0, 's3', 'room-2'),
      row('consent.granted', 1, 's3', 'room-2'),
      row('consent.withdrawn', 2, 's3', 'room-2'),
      row('recording.start', 3, '', 'room-2'),
      row('session.join', 0, 's4', 'room-3'),
      row('session.leave', 1, 's4', 'room-3'),
      row('recording.start', 2, '', 'room-3'),
    ]);
    const params = completenessParams({ tenant: 'comp', sinceMs: t - 60_000, graceSeconds: 60 });
    const missingLeave = await select<{ session_id: string }>(app, JOINS_WITHOUT_LEAVE_SQL, params);
    expect(missingLeave.map((r) => r.session_id)).toEqual(['s2', 's3']);
    const unconsented = await select<{ call_id: string; recording_ms: number | string; sessions_without_consent: string[] }>(
      app,
      RECORDINGS_WITHOUT_CONSENT_SQL,
      params,
    );
    expect(unconsented.map((r) => [r.call_id, Number(r.recording_ms), r.sessions_without_consent])).toEqual([
      ['room-1', t + 3 * 60_000, ['s2']],
      ['room-2', t + 3 * 60_000, ['s3']],
    ]);
    expect(await auditCompleteness(app.store.client, { tenant: 'comp', sinceMs: t - 60_000, graceSeconds: 60 })).toEqual({
      joinsWithoutLeave: 2,
      recordingsWithoutConsent: 2,
    });
  });

  it('publishes both figures per tenant as registry gauges, on the windows and grace the alert rules use', async () => {
    const now = Date.now();
    const at = (minutesAgo: number) => now - minutesAgo * 60_000;
    const row = (action: AuditRecord['action'], ts: number, sessionId: string, callId: string): AuditRecord => ({
      tenant: 'gauges', action, outcome: 'success', ts, sessionId, callId,
    });
    await app.audit.append([
      row('session.join', at(300), 'g-old', 'room-g1'), // joined 5 h ago, never left: counted
      row('session.join', at(300), 'g-left', 'room-g1'),
      row('session.leave', at(290), 'g-left', 'room-g1'),
      row('session.join', at(20), 'g-new', 'room-g2'), // within the 4 h grace: not yet
      row('recording.start', at(10), '', 'room-g2'), // g-new present without consent: counted
    ]);
    await refreshCompletenessGauges(app.telemetry, app.store.client, ['gauges', 'tenant-a'], 60_000, now);
    const families = parsePrometheus((await app.inject({ method: 'GET', url: '/metrics' })).body);
    const byTenant = (family: string) => Object.fromEntries((families.get(family)?.samples ?? []).map((s) => [s.labels.rtcpulse_tenant, s.value]));
    expect(byTenant('webrtc_audit_joins_without_leave')).toMatchObject({ gauges: 1, 'tenant-a': 0 });
    expect(byTenant('webrtc_audit_recordings_without_consent')).toMatchObject({ gauges: 1, 'tenant-a': 0 });
    expect(families.get('webrtc_audit_joins_without_leave')?.type).toBe('gauge');
  });
});
