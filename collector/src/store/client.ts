import { mkdirSync } from 'node:fs';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { StoreConfig } from './config.js';

/**
 * One `@clickhouse/client` for both backends: embedded chdb plugs in as the
 * client's connection, a server is reached over HTTP. Everything above this
 * function is backend-neutral.
 */
export function createClickHouseClient(config: StoreConfig): ClickHouseClient {
  if (config.kind === 'embedded') {
    mkdirSync(config.dataDir, { recursive: true });
    return createClient({ connection: createChdbConnection({ path: config.dataDir }) });
  }
  return createClient({
    url: config.url,
    application: 'rtcpulse-collector',
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.database !== undefined ? { database: config.database } : {}),
  });
}
