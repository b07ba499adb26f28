import type { ClickHouseClient } from '@clickhouse/client';
import { migrationStatements } from './ddl.js';

/**
 * Oldest ClickHouse the tables work on: DateTime64 with a time zone, query
 * parameters, `ADD COLUMN IF NOT EXISTS` and `insert_deduplication_token`
 * on plain MergeTree are all older than this.
 */
export const MIN_CLICKHOUSE_VERSION: readonly [number, number] = [22, 8];

/** Parse `major.minor` from `version()` output such as `26.7.2.1`. */
export function parseVersion(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Throw a clear error unless the store runs at least {@link MIN_CLICKHOUSE_VERSION}. */
export async function checkVersion(client: ClickHouseClient): Promise<string> {
  const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
  const [row] = await result.json<{ version: string }>();
  const version = String(row?.version ?? '');
  const parsed = parseVersion(version);
  const [minMajor, minMinor] = MIN_CLICKHOUSE_VERSION;
  const tooOld = !parsed || parsed[0] < minMajor || (parsed[0] === minMajor && parsed[1] < minMinor);
  if (tooOld) {
    throw new Error(
      `ClickHouse ${version || '(unknown version)'} is too old for rtcpulse: ${minMajor}.${minMinor} or newer is required`,
    );
  }
  return version;
}

/**
 * Bring the tables up to the registry: create what is missing, add columns
 * the registry gained, keep deduplication on. Safe to run on every start.
 */
export async function migrate(client: ClickHouseClient): Promise<void> {
  await checkVersion(client);
  for (const query of migrationStatements()) {
    await client.command({ query });
  }
}
