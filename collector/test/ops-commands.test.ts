import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RuleEvaluation } from '@rtcpulse/alerts';
import type { ReportEvent } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditKey } from '../src/audit/actor-key.js';
import { runAlertsEvaluate } from '../src/cli/alerts-evaluate.js';
import { runAuditVerify } from '../src/cli/audit-verify.js';
import { buildApp, type CollectorApp } from '../src/index.js';
import { TEST_SERVER_KEY, TEST_TENANTS, makeBatch, postBatch, removeDir, tempDataDir } from './fixtures.js';
import { postServer, sfuReport } from './server-fixtures.js';

/**
 * The operator commands `npm run audit:verify` and `npm run alerts:evaluate`
 * against the real embedded store, as an SRE runs them: beside a running
 * collector (which holds the data directory), on a wrong `--data-dir`, for
 * a tenant that has no rows, and with the collector's pricing settings.
 * The store is always embedded here: holding the data directory is what is tested.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const AUDIT_KEY: AuditKey = { key: Buffer.alloc(32, 9), source: 'env' };
const TENANT = 'acme-public-key';
/** Egress priced high enough that one participant-hour with 33 MB of SFU egress is over the cost budget. */
const PRICE_ENV = { RTCPULSE_PRICE_EGRESS_PER_GB: '10' };

let dataDir: string;
let app: CollectorApp | undefined;
const at = new Date(Date.now() + 60_000);
/** What `GET /v1/alerts/evaluate` answered for the cost rule, the collector running with {@link PRICE_ENV}. */
let endpointCost: { status: string; value: number | null } | undefined;

interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run --silent <script> -- ...args` from the repository root, as an operator runs it. */
async function npmRun(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CommandResult> {
  const result = await promisify(execFile)('npm', ['run', '--silent', script, '--', ...args], {
    cwd: repoRoot,
    env: { ...process.env, CLICKHOUSE_URL: '', ...env },
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);
  return { code: typeof result === 'object' && 'code' in result ? result.code : 0, stdout: result.stdout, stderr: result.stderr };
}

const auditEvent = (ts: number, name: string): ReportEvent => ({ ts, type: 'audit', name });

beforeAll(async () => {
  dataDir = await tempDataDir();
  const saved = { ...process.env };
  Object.assign(process.env, PRICE_ENV); // the alerts route reads the collector's pricing when it is registered
  try {
    const browserOnly = { id: 'browser-only', publicKeys: [{ key: 'pk_browser', origins: ['https://meet.acme.com'] }], serverKeys: [] };
    app = await buildApp({ store: { kind: 'embedded', dataDir }, security: { tenants: { tenants: [...TEST_TENANTS.tenants, browserOnly] }, auditKey: AUDIT_KEY } });
  } finally {
    process.env = saved;
  }
  const now = Date.now();
  for (const tenant of [TENANT, 'tenant-a']) {
    const batch = makeBatch({ tenant, sessionId: `${tenant}-s1`, events: [auditEvent(now - 2000, 'join'), auditEvent(now - 1000, 'leave')] });
    expect((await postBatch(app, batch)).statusCode).toBe(202);
  }
  // An unknown key is refused and audited under the tenant `_unknown` (listed by audit:verify below).
  expect((await app.inject({ method: 'POST', url: '/v1/reports?key=nosuch-key', payload: '{}' })).statusCode).toBe(401);
  // One participant-hour on an SFU (60 participants for a minute) with 33 MB of egress.
  expect((await postServer(app, 'sfu', sfuReport({ ts: now - 60_000, participants: 60 }), TEST_SERVER_KEY)).statusCode).toBe(202);
  await app.audit.flush();
  const response = await app.inject({
    method: 'GET',
    url: `/v1/alerts/evaluate?tenant=${TENANT}&at=${encodeURIComponent(at.toISOString())}`,
    headers: { authorization: `Bearer ${TEST_SERVER_KEY}` },
  });
  const rule = response.json<{ rules: { alert: string; status: string; groups: { value: number | null }[] }[] }>().rules.find((r) => r.alert === 'CostPerParticipantHourHigh');
  endpointCost = rule && { status: rule.status, value: rule.groups[0]?.value ?? null };
});

afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
});

describe('while the collector has the data directory open', () => {
  it('both commands say so and what to do instead (exit 2)', async () => {
    const [audit, alerts] = await Promise.all([
      npmRun('audit:verify', ['--tenant', TENANT, '--data-dir', dataDir]),
      npmRun('alerts:evaluate', ['--tenant', TENANT, '--data-dir', dataDir]),
    ]);
    const held = `${dataDir} is open in process ${process.pid} (the collector, or another command): embedded ClickHouse lets one process use a data directory at a time. Stop that process`;
    expect(audit.code).toBe(2);
    expect(audit.stderr).toContain(`audit:verify: ${held}, or point the command at a ClickHouse server with CLICKHOUSE_URL.`);
    expect(alerts.code).toBe(2);
    expect(alerts.stderr).toContain(
      `alerts:evaluate: ${held}, point the command at a ClickHouse server with CLICKHOUSE_URL, or ask the running collector: GET /v1/alerts/evaluate?tenant=T with a read key.`,
    );
  });
});

describe('keys and the audit log, as the README describes them', () => {
  it('a key with an origin allow-list takes requests without an Origin (non-browser clients); a refused one is audited', async () => {
    if (!app) throw new Error('no app');
    const batch = makeBatch({ tenant: 'pk_browser', sessionId: 'no-origin' });
    expect((await postBatch(app, batch)).statusCode).toBe(202);
    expect((await postBatch(app, { ...batch, sessionId: 'other-origin' }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    await app.audit.flush();
  });
});

describe('a --data-dir that is not the collector store', () => {
  it('is refused, naming the path, and nothing is created there', async () => {
    const missing = join(dataDir, '..', `${dataDir.split('/').pop() ?? ''}-nonexistent`);
    const result = await npmRun('audit:verify', ['--tenant', TENANT, '--data-dir', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`audit:verify: the data directory ${missing} does not exist: pass the directory the collector stores into with --data-dir`);
    expect(existsSync(missing)).toBe(false);
    await expect(runAlertsEvaluate(['--data-dir', missing], {}, { log: () => undefined })).rejects.toThrow(`the data directory ${missing} does not exist`);
    expect(existsSync(missing)).toBe(false);

    const empty = join(dataDir, 'rtcpulse-spool', 'not-a-store'); // an existing directory without tables
    await mkdir(empty);
    await expect(runAuditVerify(['--tenant', TENANT, '--data-dir', empty], {}, { log: () => undefined })).rejects.toThrow(
      `${empty} holds no rtcpulse tables (it is not a ClickHouse data directory)`,
    );
    expect(await readdir(empty)).toEqual([]);
  });
});

describe('once the collector has stopped', () => {
  beforeAll(async () => {
    await app?.close();
    app = undefined;
  });

  it('audit:verify refuses a tenant without audit rows and lists the tenants that have some', async () => {
    const lines: string[] = [];
    await expect(runAuditVerify(['--tenant', 'nosuch', '--data-dir', dataDir], {}, { log: (l) => lines.push(l) })).rejects.toThrow(
      `no audit rows for tenant "nosuch" (tenants with audit rows here: _unknown, ${TENANT}, browser-only, tenant-a)`,
    );
    expect(lines).toEqual([]);
    expect(await runAuditVerify(['--tenant', TENANT, '--data-dir', dataDir], {}, { log: (l) => lines.push(l) })).toBe(0);
    expect(lines[0]).toBe(`${TENANT}: OK, 2 rows in 1 chain`);
  });

  it("alerts:evaluate prices cost as the collector does: RTCPULSE_PRICING_FILE and RTCPULSE_PRICE_*, then --prices", async () => {
    const cost = async (env: Record<string, string>, args: string[] = []): Promise<{ status: string; value: number | null }> => {
      let text = '';
      await runAlertsEvaluate(['--data-dir', dataDir, '--tenant', TENANT, '--at', at.toISOString(), '--json', ...args], env, { log: (l) => (text += l) });
      const rule = JSON.parse(text) as RuleEvaluation[];
      const found = rule.find((r) => r.alert === 'CostPerParticipantHourHigh');
      return { status: found?.status ?? 'missing', value: found?.groups[0]?.value ?? null };
    };
    const defaults = await cost({});
    expect(defaults.status).toBe('ok');
    // The same settings give the same verdict and value as the running collector's endpoint.
    const fromEnv = await cost(PRICE_ENV);
    expect(endpointCost?.status).toBe('firing');
    expect(fromEnv).toEqual(endpointCost);
    const file = join(dataDir, 'rtcpulse-spool', 'pricing.json');
    await writeFile(file, JSON.stringify({ egressPerGb: 10 }));
    expect(await cost({ RTCPULSE_PRICING_FILE: file })).toEqual(endpointCost);
    // An explicit --prices file overrides the environment.
    const cheap = join(dataDir, 'rtcpulse-spool', 'cheap.json');
    await writeFile(cheap, JSON.stringify({ egressPerGb: 0.08 }));
    expect(await cost(PRICE_ENV, ['--prices', cheap])).toEqual(defaults);
  });
});
