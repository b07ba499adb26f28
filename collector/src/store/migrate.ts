import type { ClickHouseClient } from '@clickhouse/client';
import type { SchemaOptions } from './config.js';
import { migrationStatements, tables } from './ddl.js';
import { neededStatements } from './needed-alters.js';
import { VIEW_MARKER, rollupTables, rollupViews } from './rollups.js';
import { onCluster, physicalTable } from './table-sql.js';
import { reconcileTtl } from './ttl.js';

/**
 * Oldest ClickHouse the tables work on: DateTime64 with a time zone, query
 * parameters, `ADD COLUMN IF NOT EXISTS`, `insert_deduplication_token` on
 * plain MergeTree and `quantilesTDigest` states are all older than this.
 */
export const MIN_CLICKHOUSE_VERSION: readonly [number, number] = [22, 8];

/** Parse `major.minor` from `version()` output such as `26.7.2.1`. */
export function parseVersion(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Why `version` cannot run the tables (naming it and the minimum), or `undefined` when it can. */
export function versionProblem(version: string): string | undefined {
  const parsed = parseVersion(version);
  const [minMajor, minMinor] = MIN_CLICKHOUSE_VERSION;
  const tooOld = !parsed || parsed[0] < minMajor || (parsed[0] === minMajor && parsed[1] < minMinor);
  if (!tooOld) return undefined;
  return `ClickHouse ${version || '(unknown version)'} is too old for rtcpulse: ${minMajor}.${minMinor} or newer is required`;
}

/** Throw a clear error unless the store runs at least {@link MIN_CLICKHOUSE_VERSION}. */
export async function checkVersion(client: ClickHouseClient): Promise<string> {
  const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
  const [row] = await result.json<{ version: string }>();
  const version = String(row?.version ?? '');
  const problem = versionProblem(version);
  if (problem) throw new Error(problem);
  return version;
}

/** Drop rollup views left by an older registry (their names carry a hash of their query). */
async function dropStaleViews(client: ClickHouseClient, options: SchemaOptions): Promise<string[]> {
  const current = new Set(rollupViews().map((v) => v.name));
  const prefixes = rollupTables().map((t) => `${t.name}${VIEW_MARKER}`);
  const result = await client.query({
    query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'`,
    format: 'JSONEachRow',
  });
  const stale = (await result.json<{ name: string }>())
    .map((r) => r.name)
    .filter((name) => prefixes.some((p) => name.startsWith(p)) && !current.has(name));
  for (const name of stale) await client.command({ query: `DROP VIEW IF EXISTS ${name}${onCluster(options)}` });
  return stale;
}

/** What a migration did, for the start-up log: the server's version and every statement that changed something. */
export interface MigrationReport {
  readonly version: string;
  /** The store had no rtcpulse tables: the statements created them. */
  readonly created: boolean;
  /** Tables and views created, columns added, settings changed, views created in place of stale ones. */
  readonly applied: readonly string[];
  /** Rollup views of an older registry that were dropped. */
  readonly droppedViews: readonly string[];
  /** TTL changes (a table's retention set to the configured one). */
  readonly ttlChanges: readonly string[];
}

/**
 * Bring the schema up to the registry and the options: create what is
 * missing, add columns the registry gained, keep deduplication on, replace
 * rollup views whose query changed, and set each table's TTL to the
 * configured retention (changed only when it differs). Safe on every start,
 * and a start that changes nothing alters nothing (and reports nothing).
 */
export async function migrate(client: ClickHouseClient, options: SchemaOptions = {}): Promise<MigrationReport> {
  const version = await checkVersion(client);
  const before = await tableNames(client);
  // Only what changes something: a no-op ALTER still rewrites metadata (see `neededStatements`).
  const statements = await neededStatements(client, migrationStatements(options));
  for (const query of statements) {
    await client.command({ query });
  }
  const droppedViews = await dropStaleViews(client, options);
  const ttlChanges = await reconcileTtl(client, [...tables(), ...rollupTables()], options, (t) => physicalTable(t.name, options));
  // `CREATE … IF NOT EXISTS` runs on every start; it changed something only where the object was missing.
  const applied = statements.filter((s) => {
    const created = /^CREATE (?:TABLE|MATERIALIZED VIEW) IF NOT EXISTS (\w+)/.exec(s)?.[1];
    return created === undefined || !before.has(created);
  });
  return { version, created: !before.has('samples'), applied, droppedViews, ttlChanges };
}

async function tableNames(client: ClickHouseClient): Promise<Set<string>> {
  const result = await client.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase()', format: 'JSONEachRow' });
  return new Set((await result.json<{ name: string }>()).map((r) => r.name));
}
