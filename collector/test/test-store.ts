import { basename } from 'node:path';
import { createClient } from '@clickhouse/client';
import { storeConfigFromEnv, type StoreConfig } from '../src/store/config.js';

/**
 * The store a test file runs on: embedded ClickHouse in `dataDir`, or, when
 * `CLICKHOUSE_URL` is set, that server with a database of this test file's
 * own (named after `dataDir`, created here), so test files running in
 * parallel never see each other's rows.
 */
export async function testStoreConfig(dataDir: string): Promise<StoreConfig> {
  const config = storeConfigFromEnv(process.env, { dataDir });
  if (config.kind === 'embedded') return config;
  const database = `rtcpulse_test_${basename(dataDir).replace(/[^A-Za-z0-9_]/g, '_')}`;
  const admin = createClient({
    url: config.url,
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
  });
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  } finally {
    await admin.close();
  }
  return { ...config, database };
}
