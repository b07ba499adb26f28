/**
 * The collector for the ingest benchmark: the same `buildApp` as
 * `server.ts` on an embedded store in the given directory, with one tenant
 * whose rate limit is far above the load (the limiter is not what is
 * measured), plus `GET /bench/memory` (live heap after a forced GC, and the
 * ingest gauges) and `GET /bench/ingest` (the ingest gauges alone). Run with `--expose-gc`. Prints its port.
 */
import { buildApp } from '../src/index.js';
import { loggingFromEnv } from '../src/logging.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: serve-collector.ts DATA_DIR');
export const BENCH_TENANT = 'bench';
const app = await buildApp({
  // Logs as `npm start` does (to stdout, which the bench reads and drops).
  ...loggingFromEnv(process.env),
  store: { kind: 'embedded', dataDir },
  security: {
    tenants: { tenants: [{ id: BENCH_TENANT, publicKeys: [{ key: BENCH_TENANT, origins: ['*'], rateLimit: { perSecond: 1e6, burst: 1e6 } }], serverKeys: [] }] },
  },
});
app.get('/bench/ingest', async () => app.ingest.stats());
app.get('/bench/memory', async () => {
  (globalThis as { gc?: () => void }).gc?.();
  return { ...process.memoryUsage(), ...app.ingest.stats() };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
