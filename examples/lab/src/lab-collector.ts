import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, serverEventsConfig, storeConfigFromEnv, type CollectorApp } from '@rtcpulse/collector';

/** The lab page (served by the collector under `/demo/`). */
export const LAB_PAGE_DIR = fileURLToPath(new URL('../page/', import.meta.url));
/** The built SDK bundle (`npm run build:sdk`), served under `/sdk/`. */
export const SDK_DIST_DIR = fileURLToPath(new URL('../../../packages/sdk/dist/', import.meta.url));

/** The tenant lab calls report under; its public ingest key is the same string. */
export const LAB_TENANT = 'lab';
/** The lab's secret server key of a tenant (for the coturn adapter's reports); not a secret in a lab. */
export function labServerKey(tenant: string): string {
  return `lab-server-key-not-secret-${tenant}`;
}

/** A collector serving the lab page, listening on 127.0.0.1. */
export interface LabCollector {
  app: CollectorApp;
  baseUrl: string;
  /** The embedded store's directory (absent when `CLICKHOUSE_URL` points to a server). */
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Starts the real collector in-process on a free port with the lab page and
 * the SDK bundle. The store is embedded ClickHouse in `dataDir` (a temporary
 * directory, removed on close, when not given) unless `CLICKHOUSE_URL` is set.
 * `tenants` (default: {@link LAB_TENANT}) are the tenants calls may report
 * under, each with a server key ({@link labServerKey}) for server events.
 */
export async function startLabCollector(options: { dataDir?: string; tenants?: readonly string[] } = {}): Promise<LabCollector> {
  const tenants = options.tenants ?? [LAB_TENANT];
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'rtcpulse-lab-')));
  const app = await buildApp({
    store: storeConfigFromEnv(process.env, { dataDir }),
    demoDir: LAB_PAGE_DIR,
    sdkDir: SDK_DIST_DIR,
    // Each tenant's public key is its name (the lab page sends it as `?key=`).
    security: { tenants: { tenants: tenants.map((id) => ({ id, publicKeys: [{ key: id, origins: ['self'] }], serverKeys: [] })) } },
    serverEvents: serverEventsConfig(tenants.map((tenant) => ({ tenant, key: labServerKey(tenant) }))),
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    baseUrl,
    dataDir,
    async close() {
      await app.close();
      if (temporary) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
