/**
 * `tsx collector/fault/fuzz.ts [--cases 10000] [--seed 1]`: send fuzzed bad
 * bodies to a collector on a temporary embedded store and check that every
 * one is refused with a 4xx (no 5xx, no crash) and that no row was stored.
 * Exit code 0 when all held. Loopback-free: everything goes through `inject()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/index.js';
import { makeBatch } from '../test/fixtures.js';
import { runFuzz, storedRows } from './fuzz-run.js';

/** Tables a report writes rows into; audit_log only gains `auth.failure` rows (foreign-tenant cases). */
const TABLES = ['samples', 'events', 'batches', 'sessions'];

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } } });
  const cases = Math.min(1_000_000, Math.max(1, Number(values.cases)));
  const dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-fuzz-'));
  const app = await buildApp({ store: { kind: 'embedded', dataDir } });
  try {
    const before = await storedRows(app, TABLES);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const report = await runFuzz(app, { valid: makeBatch({ tenant: 'demo' }), key: 'demo', seed: Number(values.seed), cases });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const after = await storedRows(app, TABLES);
    const alive = (await app.inject({ url: '/healthz' })).statusCode === 200;
    await app.audit.flush();
    const audited = await app.store.client.query({ query: `SELECT action, count() AS n FROM audit_log GROUP BY action`, format: 'JSONEachRow' });
    const auditActions = (await audited.json<{ action: string }>()).map((r) => r.action);
    console.log(
      `${report.cases} cases in ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (${Math.round(report.cases / seconds)}/s), seed ${values.seed}`,
    );
    for (const [outcome, n] of Object.entries(report.outcomes).sort()) console.log(`  ${outcome.padEnd(24)} ${n}`);
    console.log(`rows before ${JSON.stringify(before)} after ${JSON.stringify(after)}; healthz ${alive ? 'ok' : 'FAILED'}`);
    console.log(`audit actions written: ${auditActions.join(', ') || 'none'}`);
    for (const failure of report.failures.slice(0, 20)) console.log(`FAILED #${failure.index} ${failure.kind}: ${failure.status} ${failure.body}`);
    const onlyAuthFailures = auditActions.every((a) => a === 'auth.failure');
    return report.failures.length === 0 && alive && onlyAuthFailures && JSON.stringify(before) === JSON.stringify(after) ? 0 : 1;
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
