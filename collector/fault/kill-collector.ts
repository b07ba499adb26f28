/**
 * `npx tsx collector/fault/kill-collector.ts [--quick]`: kill -9 the
 * collector at random moments under load, restart it, and check that every
 * acknowledged report is stored exactly once. Exits non-zero otherwise.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKillRun } from './kill-check.js';
import { runKillRestart } from './kill-run.js';

const quick = process.argv.includes('--quick');
const dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-kill-'));
try {
  const started = Date.now();
  const run = await runKillRestart({
    dataDir,
    kills: quick ? 2 : 8,
    minLoadMs: 300,
    maxLoadMs: quick ? 1500 : 4000,
    concurrency: 16,
    seed: Number(process.env.SEED ?? Date.now() % 100_000),
    log: (line) => console.log(line),
  });
  const check = await checkKillRun(dataDir, run);
  console.log(JSON.stringify({ kills: run.kills, sent: run.sent, retried: run.retried, ...check, seconds: Math.round((Date.now() - started) / 1000) }, null, 2));
  const ok = check.missing === 0 && check.duplicated === 0 && check.exactlyOnce === check.acked && check.spoolLeftAfterStop === 0;
  console.log(ok ? 'PASS' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
