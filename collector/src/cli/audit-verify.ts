/**
 * `npm run audit:verify -- --tenant ID [--data-dir DIR] [--expect-head SEQ:HASH] [--pruned-start] [--json]`
 * (or `--all`; `--pruned-start` when audit retention has dropped the oldest rows): recompute each tenant's audit hash chain and report the
 * exact rows that were changed, deleted, reordered or inserted. Reads the
 * ClickHouse server at `CLICKHOUSE_URL` when set, else the embedded store
 * in `--data-dir` (default `.data/clickhouse`). Exit code 0: intact;
 * 1: tampering found; 2: could not verify.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { auditTenants, verifyTenantAudit } from '../audit/read.js';
import type { AuditVerification } from '../audit/verify.js';
import { createClickHouseClient } from '../store/client.js';
import { storeConfigFromEnv } from '../store/config.js';

/** Where the command writes. */
export interface Output {
  log(line: string): void;
}

function parseHead(text: string | undefined): { seq: number; hash: string } | undefined {
  if (!text) return undefined;
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new Error('--expect-head must look like SEQ:HASH (the head an earlier run printed)');
  return { seq: Number(match[1]), hash: match[2] ?? '' };
}

function describe(tenant: string, result: AuditVerification): string[] {
  const head = `head seq ${result.head.seq}:${result.head.hash}`;
  if (result.ok) return [`${tenant}: OK, ${result.rows} rows, ${head}`];
  return [
    `${tenant}: TAMPERED, ${result.rows} rows, ${result.findings.length} finding(s), ${head}`,
    ...result.findings.map((f) => `  ${f.kind}: ${f.message}`),
  ];
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
      'expect-head': { type: 'string' },
      json: { type: 'boolean', default: false },
      'pruned-start': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const expectHead = parseHead(values['expect-head']);
  if (!values.all && !values.tenant?.length) throw new Error('name a tenant with --tenant ID (or pass --all)');
  const dataDir = values['data-dir'];
  const client = createClickHouseClient(storeConfigFromEnv(env, dataDir ? { dataDir } : {}));
  try {
    const tenants = values.all ? await auditTenants(client) : (values.tenant ?? []);
    let tampered = false;
    const results: Record<string, AuditVerification> = {};
    for (const tenant of tenants) {
      const head = tenants.length === 1 ? expectHead : undefined;
      const result = await verifyTenantAudit(client, tenant, head, { prunedStart: values['pruned-start'] ?? false });
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runAuditVerify(process.argv.slice(2), process.env, { log: (line) => console.log(line) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`audit:verify: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
