import { resolve } from 'node:path';

/** Where the embedded store keeps its data when nothing else is configured. */
export const DEFAULT_DATA_DIR = '.data/clickhouse';

/** In-process ClickHouse (chdb) on a local data directory. */
export interface EmbeddedStoreConfig {
  readonly kind: 'embedded';
  /** Absolute data directory. chdb binds one data directory per process. */
  readonly dataDir: string;
}

/** A ClickHouse server reached over HTTP(S). */
export interface ServerStoreConfig {
  readonly kind: 'server';
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Database holding the tables; it must exist already. */
  readonly database?: string;
}

/** How the collector reaches ClickHouse. */
export type StoreConfig = EmbeddedStoreConfig | ServerStoreConfig;

/**
 * Pick the store from the environment: a ClickHouse server when
 * `CLICKHOUSE_URL` is set (with `CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD`,
 * `CLICKHOUSE_DATABASE`), otherwise embedded ClickHouse in `dataDir`
 * (default {@link DEFAULT_DATA_DIR}, resolved against `cwd`).
 */
export function storeConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { dataDir?: string; cwd?: string } = {},
): StoreConfig {
  const url = env.CLICKHOUSE_URL;
  if (url) {
    return {
      kind: 'server',
      url,
      ...(env.CLICKHOUSE_USER ? { username: env.CLICKHOUSE_USER } : {}),
      ...(env.CLICKHOUSE_PASSWORD ? { password: env.CLICKHOUSE_PASSWORD } : {}),
      ...(env.CLICKHOUSE_DATABASE ? { database: env.CLICKHOUSE_DATABASE } : {}),
    };
  }
  return { kind: 'embedded', dataDir: resolve(options.cwd ?? process.cwd(), options.dataDir ?? DEFAULT_DATA_DIR) };
}
