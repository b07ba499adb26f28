import type { ClickHouseClient } from '@clickhouse/client';
import type { SchemaOptions } from './config.js';
import type { TableSpec } from './table-spec.js';

/** Retention of a table in days from the options; 0 when it keeps its rows. */
export function ttlDaysOf(table: TableSpec, options: SchemaOptions): number {
  if (!table.ttlColumn) return 0;
  return options.ttlDays?.[table.name] ?? 0;
}

/**
 * The table's TTL expression (without the `TTL` keyword), written exactly as
 * ClickHouse prints it back in `system.tables`, or `undefined` without retention.
 */
export function ttlClause(table: TableSpec, options: SchemaOptions): string | undefined {
  const days = ttlDaysOf(table, options);
  return days > 0 && table.ttlColumn ? `toDateTime(${table.ttlColumn}) + toIntervalDay(${days})` : undefined;
}

/** The TTL expression in a `create_table_query`, or `undefined` when it has none. */
export function currentTtl(createTableQuery: string): string | undefined {
  const match = / TTL (.+?)(?: SETTINGS |$)/.exec(createTableQuery);
  return match?.[1]?.trim();
}

/**
 * The statement that brings a table's TTL to the configured one, or
 * `undefined` when it already matches: applied on every start, it changes a
 * table only when the retention setting changed. `physical` is the table that
 * holds the rows (the `_local` table in cluster mode).
 */
export function ttlChangeSql(
  table: TableSpec,
  options: SchemaOptions,
  createTableQuery: string,
  physical = table.name,
): string | undefined {
  const wanted = ttlClause(table, options);
  const current = currentTtl(createTableQuery);
  if (wanted === current) return undefined;
  const cluster = options.cluster ? ` ON CLUSTER \`${options.cluster}\`` : '';
  return wanted ? `ALTER TABLE ${physical}${cluster} MODIFY TTL ${wanted}` : `ALTER TABLE ${physical}${cluster} REMOVE TTL`;
}

/** Apply {@link ttlChangeSql} to each table that holds rows; returns the statements run. */
export async function reconcileTtl(
  client: ClickHouseClient,
  specs: readonly TableSpec[],
  options: SchemaOptions,
  physicalName: (table: TableSpec) => string,
): Promise<string[]> {
  const result = await client.query({
    query: 'SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase()',
    format: 'JSONEachRow',
  });
  const current = new Map((await result.json<{ name: string; create_table_query: string }>()).map((r) => [r.name, r.create_table_query]));
  const applied: string[] = [];
  for (const table of specs) {
    const physical = physicalName(table);
    const query = ttlChangeSql(table, options, current.get(physical) ?? '', physical);
    if (!query) continue;
    await client.command({ query });
    applied.push(query);
  }
  return applied;
}
