/**
 * `npm run audit:verify -- --tenant ID [--data-dir DIR] [--expect-head WRITER:SEQ:HASH ...] [--pruned-start] [--json]`
 * (or `--all`; `--pruned-start` when audit retention has dropped the oldest rows): recompute each tenant's audit hash
 * chains (one per collector instance that wrote for it) and report the
 * exact rows that were changed, deleted, reordered or inserted. A head
 * printed by an earlier run, passed back with `--expect-head`, also catches
 * the newest rows (or a whole chain) deleted since. Reads the
 * ClickHouse server at `CLICKHOUSE_URL` when set, else the embedded store
 * in `--data-dir` (default `.data/clickhouse`), which must exist and hold
 * the audit table, and which no other process (a running collector) may
 * have open. Exit code 0: intact; 1: tampering found; 2: could not verify
 * (including a named tenant with no audit rows and no `--expect-head`).
 */
import { parseArgs } from 'node:util';
import { auditTenants, readAuditRows, verifyTenantRows, type ExpectedHead, type TenantAuditVerification } from '../audit/read.js';
import { AUDIT_TABLE } from '../audit/table.js';
import { createClickHouseClient } from '../store/client.js';
import { storeConfigFromEnv } from '../store/config.js';
import { checkEmbeddedStore, openOrExplain } from './store-access.js';
import { runIfMain, type Output } from './run-command.js';

/** An expected head: `WRITER:SEQ:HASH` as printed, or `SEQ:HASH` for a tenant with one chain. */
interface HeadArgument extends ExpectedHead {
  readonly writer: string | undefined;
}

function parseHead(text: string): HeadArgument {
  const match = /^(?:([A-Za-z0-9._-]*):)?(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new Error(`--expect-head must look like WRITER:SEQ:HASH (a head an earlier run printed), got ${JSON.stringify(text)}`);
  return { writer: match[1], seq: Number(match[2]), hash: match[3] ?? '' };
}

/**
 * The expected heads by writer. A head without a writer belongs to the
 * tenant's only chain; with several, to the chain written before chains were
 * kept per writer (`''`, where such a head was printed); with no rows left,
 * to that same chain, so that the deletion is reported.
 */
function headsFor(heads: readonly HeadArgument[], writers: readonly string[]): Record<string, ExpectedHead> {
  const byWriter: Record<string, ExpectedHead> = {};
  for (const head of heads) {
    let writer = head.writer;
    if (writer === undefined) {
      const [only, ...others] = writers;
      if (only !== undefined && others.length === 0) writer = only;
      else if (only === undefined || writers.includes('')) writer = '';
      else {
        throw new Error(
          `--expect-head ${head.seq}:${head.hash} names no writer, and the tenant has ${writers.length} chains (${writers.join(', ')}): ` +
            'pass WRITER:SEQ:HASH as printed (:SEQ:HASH for rows written before chains were kept per writer)',
        );
      }
    }
    byWriter[writer] = { seq: head.seq, hash: head.hash };
  }
  return byWriter;
}

const rowCount = (n: number): string => `${n} row${n === 1 ? '' : 's'}`;

/** Refuse named tenants without audit rows: "OK, 0 rows" would pass a typo (or the wrong store) as verified. */
function checkTenantsHaveRows(named: readonly string[], withRows: readonly string[]): void {
  const missing = named.filter((tenant) => !withRows.includes(tenant));
  if (missing.length === 0) return;
  const known = withRows.length > 0 ? `tenants with audit rows here: ${withRows.join(', ')}` : 'no tenant has audit rows in this store';
  throw new Error(`no audit rows for tenant ${missing.map((t) => JSON.stringify(t)).join(', ')} (${known})`);
}

function describe(tenant: string, result: TenantAuditVerification): string[] {
  const chains = Object.entries(result.chains);
  const findings = chains.reduce((n, [, c]) => n + c.findings.length, 0);
  const size = `${rowCount(result.rows)} in ${chains.length} chain${chains.length === 1 ? '' : 's'}`;
  const lines = [result.ok ? `${tenant}: OK, ${size}` : `${tenant}: TAMPERED, ${size}, ${findings} finding(s)`];
  for (const [writer, chain] of chains) {
    lines.push(`  chain ${writer || "'' (written before per-writer chains)"}: ${rowCount(chain.rows)}, head ${writer}:${chain.head.seq}:${chain.head.hash}`);
    lines.push(...chain.findings.map((f) => `    ${f.kind}: ${f.message}`));
  }
  return lines;
}

/** Run the command; resolves to the exit code. */
export async function runAuditVerify(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: Output,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tenant: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'expect-head': { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'pruned-start': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const heads = (values['expect-head'] ?? []).map(parseHead);
  if (!values.all && !values.tenant?.length) throw new Error('name a tenant with --tenant ID (or pass --all)');
  const dataDir = values['data-dir'];
  const config = storeConfigFromEnv(env, dataDir ? { dataDir } : {});
  checkEmbeddedStore(config, AUDIT_TABLE);
  const client = openOrExplain(config, () => createClickHouseClient(config), 'or point the command at a ClickHouse server with CLICKHOUSE_URL');
  try {
    const withRows = await auditTenants(client);
    const tenants = values.all ? withRows : (values.tenant ?? []);
    let tampered = false;
    if (heads.length > 0 && tenants.length !== 1) throw new Error('--expect-head needs exactly one --tenant');
    // With an expected head, a tenant without rows is a deleted chain, reported as tampering.
    if (heads.length === 0) checkTenantsHaveRows(tenants, withRows);
    const results: Record<string, TenantAuditVerification> = {};
    for (const tenant of tenants) {
      const rows = await readAuditRows(client, tenant);
      const expected = headsFor(heads, [...new Set(rows.map((r) => r.writer))]);
      const result = verifyTenantRows(rows, expected, { prunedStart: values['pruned-start'] ?? false });
      results[tenant] = result;
      tampered ||= !result.ok;
      if (!values.json) for (const line of describe(tenant, result)) out.log(line);
    }
    if (values.json) out.log(JSON.stringify(results, null, 2));
    return tampered ? 1 : 0;
  } finally {
    await client.close();
  }
}

runIfMain(import.meta.url, 'audit:verify', runAuditVerify);
