import type { SqlRequirements } from '../runbook/types.js';

/** Runs one query with parameters and returns its rows (JSON objects). */
export type SqlRunner = (sql: string, params: Readonly<Record<string, unknown>>) => Promise<Record<string, unknown>[]>;

/** Columns of every table of the current database. */
export type Schema = ReadonlyMap<string, ReadonlySet<string>>;

/** Read the current database's tables and columns. */
export async function readSchema(run: SqlRunner): Promise<Schema> {
  const rows = await run('SELECT table, name FROM system.columns WHERE database = currentDatabase()', {});
  const schema = new Map<string, Set<string>>();
  for (const row of rows) {
    const table = String(row.table);
    const columns = schema.get(table) ?? new Set<string>();
    columns.add(String(row.name));
    schema.set(table, columns);
  }
  return schema;
}

/** What a rule needs that the schema lacks: `table` or `table.column`, in order. */
export function missingRequirements(schema: Schema, requires: SqlRequirements): string[] {
  const missing: string[] = [];
  for (const [table, columns] of Object.entries(requires)) {
    const present = schema.get(table);
    if (!present) {
      missing.push(`table ${table}`);
      continue;
    }
    for (const column of columns) if (!present.has(column)) missing.push(`${table}.${column}`);
  }
  return missing;
}
