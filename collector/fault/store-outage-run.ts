/**
 * The "ClickHouse unavailable" fault: the collector under load while its
 * ClickHouse is away (see `outage-store.ts` for what that means embedded
 * and with a server), then back. Checks: every acknowledged report stored
 * exactly once after the drain, nothing stored from refused ones, 503 with
 * `Retry-After` once the spool is at its cap, live heap bounded while the
 * spool grows. Every loop is bounded in count and time.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildApp, type CollectorApp } from '../src/index.js';
import { storeConfigFromEnv, type StoreConfig } from '../src/store/config.js';
import { reportKey } from '../src/store/record.js';
import { openOutageStore, startProxy, type OutageStore, type SwitchableProxy } from './outage-store.js';
import { sdkReport } from './sdk-reports.js';
import { duplicateReports, storedReportKeys, type StoredCheck } from './stored-check.js';

/** Size of a run. */
export interface OutageRunOptions {
  readonly dataDir: string;
  /** Default: from the environment (embedded in `dataDir`, or CLICKHOUSE_URL). */
  readonly store?: StoreConfig;
  /** Spool cap; the outage lasts until the collector has refused `refusalsWanted` reports at it. */
  readonly spoolMaxBytes: number;
  readonly refusalsWanted: number;
  /** Reports sent concurrently. */
  readonly concurrency: number;
  /** Upper bound on reports sent during the outage. */
  readonly maxReports: number;
  /** Upper bound on the drain after ClickHouse is back. */
  readonly drainTimeoutMs: number;
  readonly log?: (line: string) => void;
}

/** What a run saw. */
export interface OutageRunResult extends StoredCheck {
  readonly mode: string;
  readonly ackedDuringOutage: number;
  readonly refused: number;
  readonly refusedWithRetryAfter: number;
  /** Spool size when the first report was refused. */
  readonly spoolBytesAtFirstRefusal: number;
  /** Live heap (after a forced GC) before the outage and its peak during it. */
  readonly heapBeforeBytes: number;
  readonly heapPeakBytes: number;
  readonly rssPeakBytes: number;
  readonly drained: boolean;
  readonly drainMs: number;
  readonly spoolRecordsAfter: number;
}

const TENANT = 'fault-tenant';

function forcedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function post(app: CollectorApp, sessionId: string, batchSeq: number) {
  const batch = sdkReport({ tenant: TENANT, sessionId, batchSeq, seed: batchSeq });
  const response = await app.inject({
    method: 'POST',
    url: `/v1/reports?key=${TENANT}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(batch),
  });
  return { key: reportKey(batch), status: response.statusCode, retryAfter: response.headers['retry-after'] };
}

async function openApp(options: OutageRunOptions): Promise<{ app: CollectorApp; store: () => OutageStore; proxy?: SwitchableProxy }> {
  let config = options.store ?? storeConfigFromEnv(process.env, { dataDir: options.dataDir });
  let proxy: SwitchableProxy | undefined;
  if (config.kind === 'server') {
    const url = new URL(config.url);
    proxy = await startProxy(url.hostname, Number(url.port || 8123));
    config = { ...config, url: `${url.protocol}//127.0.0.1:${proxy.port}` };
  }
  let store: OutageStore | undefined;
  const app = await buildApp({
    store: config,
    security: { tenants: { tenants: [{ id: TENANT, publicKeys: [{ key: TENANT, origins: ['*'], rateLimit: { perSecond: 1e6, burst: 1e6 } }], serverKeys: [] }] } },
    ingest: { spoolDir: `${options.dataDir}/outage-spool`, spoolMaxBytes: options.spoolMaxBytes, flushIntervalMs: 100, maxRecordReports: 200, ackWaitMs: 1000 },
    openStore: (c) => (store = openOutageStore(c, proxy)),
  });
  return { app, store: () => store as OutageStore, ...(proxy ? { proxy } : {}) };
}

/** Run the fault once. */
export async function runStoreOutage(options: OutageRunOptions): Promise<OutageRunResult> {
  const log = options.log ?? (() => undefined);
  const gc = forcedGc();
  const { app, store, proxy } = await openApp(options);
  const acked = new Set<string>();
  try {
    for (let i = 0; i < 20; i++) {
      const r = await post(app, `warm-${i}`, 0);
      if (r.status === 202) acked.add(r.key);
    }
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    let rssPeak = process.memoryUsage().rss;
    await store().takeDown();
    log(`ClickHouse down (${store().kind})`);

    let refused = 0;
    let withRetryAfter = 0;
    let spoolAtRefusal = -1;
    let sent = 0;
    let ackedDuring = 0;
    const worker = async (w: number): Promise<void> => {
      for (let n = 0; refused < options.refusalsWanted && sent < options.maxReports; n++) {
        sent += 1;
        const r = await post(app, `outage-${w}-${n}`, 0);
        if (r.status === 202) {
          acked.add(r.key);
          ackedDuring += 1;
        } else if (r.status === 503) {
          if (spoolAtRefusal < 0) spoolAtRefusal = app.ingest.stats().spoolBytes;
          refused += 1;
          if (Number(r.retryAfter) > 0) withRetryAfter += 1;
        }
        if (sent % 100 === 0) {
          gc();
          heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
          rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
    log(`outage: ${ackedDuring} acknowledged into the spool, ${refused} refused, spool ${app.ingest.stats().spoolBytes} bytes`);

    await store().bringBack();
    const started = Date.now();
    const drained = await app.ingest.writer.idle(options.drainTimeoutMs);
    const drainMs = Date.now() - started;
    log(`ClickHouse back; drained ${drained ? 'fully' : 'partly'} in ${drainMs} ms`);
    const stored = await storedReportKeys(app.store.client, TENANT);
    const check = duplicateReports(acked, stored);
    return {
      mode: store().kind,
      ...check,
      ackedDuringOutage: ackedDuring,
      refused,
      refusedWithRetryAfter: withRetryAfter,
      spoolBytesAtFirstRefusal: spoolAtRefusal,
      heapBeforeBytes: heapBefore,
      heapPeakBytes: heapPeak,
      rssPeakBytes: rssPeak,
      drained,
      drainMs,
      spoolRecordsAfter: app.ingest.stats().spoolRecords,
    };
  } finally {
    await app.close();
    await proxy?.stop();
  }
}
