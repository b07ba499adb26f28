/**
 * `npx tsx collector/fault/store-outage.ts [--quick]`: ClickHouse unavailable
 * under load (embedded chdb, or the server in CLICKHOUSE_URL through a
 * loopback proxy), then back. Prints what happened and exits non-zero when
 * an acknowledged report is missing or duplicated, the spool cap did not
 * answer 503 with Retry-After, or the spool did not drain.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreOutage } from './store-outage-run.js';

const quick = process.argv.includes('--quick');
const dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-outage-'));
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
try {
  const result = await runStoreOutage({
    dataDir,
    spoolMaxBytes: (quick ? 16 : 128) * 1024 * 1024,
    refusalsWanted: quick ? 50 : 500,
    concurrency: 32,
    maxReports: quick ? 10_000 : 60_000,
    drainTimeoutMs: quick ? 60_000 : 300_000,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(result, null, 2));
  console.log(`live heap ${mb(result.heapBeforeBytes)} before, ${mb(result.heapPeakBytes)} peak while the spool reached ${mb(result.spoolBytesAtFirstRefusal)}; RSS peak ${mb(result.rssPeakBytes)}`);
  const ok =
    result.missing === 0 &&
    result.duplicated === 0 &&
    result.storedNotAcked === 0 &&
    result.refused > 0 &&
    result.refusedWithRetryAfter === result.refused &&
    result.drained &&
    result.spoolRecordsAfter === 0;
  console.log(ok ? 'PASS' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
