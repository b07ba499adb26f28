import { resolve } from 'node:path';
import { tables } from './ddl.js';
import { rollupTables } from './rollups.js';
import { settingNumber } from '../env-number.js';

/** Where the embedded store keeps its data when nothing else is configured. */
export const DEFAULT_DATA_DIR = '.data/clickhouse';

/** Prefix of the environment variables that set a table's retention in days. */
export const TTL_ENV_PREFIX = 'RTCPULSE_TTL_DAYS_';

/** How the tables are laid out; everything optional, the defaults make a single-node schema. */
export interface SchemaOptions {
  /**
   * ClickHouse cluster name: every statement runs `ON CLUSTER`, tables become
   * `Replicated*` local tables (`<name>_local`) behind `Distributed` tables
   * that keep the plain names.
   */
  readonly cluster?: string;
  /** Retention per table name, in days; a table not listed (or 0) keeps its rows. */
  readonly ttlDays?: Readonly<Record<string, number>>;
}

/** In-process ClickHouse (chdb) on a local data directory. */
export interface EmbeddedStoreConfig {
  readonly kind: 'embedded';
  /** Absolute data directory. chdb binds one data directory per process. */
  readonly dataDir: string;
  readonly schema?: SchemaOptions;
}

/** A ClickHouse server reached over HTTP(S). */
export interface ServerStoreConfig {
  readonly kind: 'server';
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Database holding the tables; it must exist already. */
  readonly database?: string;
  readonly schema?: SchemaOptions;
}

/** How the collector reaches ClickHouse. */
export type StoreConfig = EmbeddedStoreConfig | ServerStoreConfig;

const CLUSTER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Throw unless `name` is usable as a cluster name in DDL. */
export function checkClusterName(name: string): string {
  if (!CLUSTER_NAME.test(name)) throw new Error(`invalid cluster name: ${JSON.stringify(name)}`);
  return name;
}

/** Tables whose retention can be set: those with a TTL column, in creation order. */
export function tablesWithRetention(): readonly string[] {
  return [...tables(), ...rollupTables()].filter((table) => table.ttlColumn).map((table) => table.name);
}

/**
 * Retention per table from `RTCPULSE_TTL_DAYS_<TABLE>` variables, for example
 * `RTCPULSE_TTL_DAYS_SAMPLES=30` → `{ samples: 30 }`. Throws on a value that
 * is not a whole number of days, and on a variable whose suffix names no
 * table with retention (a misspelt one would otherwise keep rows forever),
 * listing the valid names.
 */
export function ttlDaysFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, number> {
  const known = tablesWithRetention();
  const days: Record<string, number> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(TTL_ENV_PREFIX) || value === undefined || value === '') continue;
    const table = key.slice(TTL_ENV_PREFIX.length).toLowerCase();
    if (!known.includes(table)) {
      const valid = known.map((name) => `${TTL_ENV_PREFIX}${name.toUpperCase()}`).join(', ');
      throw new Error(`${key} names no table with retention; the valid variables are ${valid}`);
    }
    const parsed = settingNumber(key, value, { what: 'a whole number of days', integer: true, min: 0 });
    if (parsed !== undefined) days[table] = parsed;
  }
  return days;
}

function schemaFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  cluster: string | undefined,
): SchemaOptions | undefined {
  const name = cluster ?? env.RTCPULSE_CLUSTER;
  const ttlDays = ttlDaysFromEnv(env);
  const hasTtl = Object.keys(ttlDays).length > 0;
  if (!name && !hasTtl) return undefined;
  return { ...(name ? { cluster: checkClusterName(name) } : {}), ...(hasTtl ? { ttlDays } : {}) };
}

/**
 * Pick the store from the environment: a ClickHouse server when
 * `CLICKHOUSE_URL` is set (with `CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD`,
 * `CLICKHOUSE_DATABASE`), otherwise embedded ClickHouse in `dataDir`
 * (default {@link DEFAULT_DATA_DIR}, resolved against `cwd`). The schema
 * options come from `cluster` (the `--cluster` flag) or `RTCPULSE_CLUSTER`,
 * and `RTCPULSE_TTL_DAYS_<TABLE>`.
 */
export function storeConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { dataDir?: string; cwd?: string; cluster?: string } = {},
): StoreConfig {
  const schema = schemaFromEnv(env, options.cluster);
  const withSchema = schema ? { schema } : {};
  const url = env.CLICKHOUSE_URL;
  if (url) {
    return {
      kind: 'server',
      url,
      ...(env.CLICKHOUSE_USER ? { username: env.CLICKHOUSE_USER } : {}),
      ...(env.CLICKHOUSE_PASSWORD ? { password: env.CLICKHOUSE_PASSWORD } : {}),
      ...(env.CLICKHOUSE_DATABASE ? { database: env.CLICKHOUSE_DATABASE } : {}),
      ...withSchema,
    };
  }
  const dataDir = resolve(options.cwd ?? process.cwd(), options.dataDir ?? DEFAULT_DATA_DIR);
  return { kind: 'embedded', dataDir, ...withSchema };
}
