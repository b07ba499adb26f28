import { mkdirSync } from 'node:fs';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { StoreConfig } from './config.js';

type ChdbClientConnection = NonNullable<ClickHouseClientConfigOptions['connection']>;

/**
 * One `@clickhouse/client` for both backends: embedded chdb plugs in as the
 * client's connection, a server is reached over HTTP. Everything above this
 * function is backend-neutral.
 */
export function createClickHouseClient(config: StoreConfig): ClickHouseClient {
  if (config.kind === 'embedded') {
    mkdirSync(config.dataDir, { recursive: true });
    // chdb types its connection against @clickhouse/client-common 1.23.0, while
    // @clickhouse/client 1.23.1 bundles its own copy of those types whose
    // settings list differs slightly; the runtime contract is the same.
    const connection = createChdbConnection({ path: config.dataDir }) as unknown as ChdbClientConnection;
    return createClient({ connection });
  }
  return createClient({
    url: config.url,
    application: 'rtcpulse-collector',
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.database !== undefined ? { database: config.database } : {}),
  });
}
