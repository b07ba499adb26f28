import type { ClickHouseClient } from '@clickhouse/client';

/** What the store already has, read once before the migration's `ALTER`s. */
interface Existing {
  /** `table.column` */
  readonly columns: ReadonlySet<string>;
  /** `table.index` */
  readonly indexes: ReadonlySet<string>;
  /** Table → its `engine_full` (which lists the table's settings). */
  readonly engines: ReadonlyMap<string, string>;
}

async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

async function existing(client: ClickHouseClient): Promise<Existing> {
  const where = 'WHERE database = currentDatabase()';
  const columns = await rows<{ table: string; name: string }>(client, `SELECT table, name FROM system.columns ${where}`);
  const indexes = await rows<{ table: string; name: string }>(client, `SELECT table, name FROM system.data_skipping_indices ${where}`);
  const engines = await rows<{ name: string; engine_full: string }>(client, `SELECT name, engine_full FROM system.tables ${where}`);
  return {
    columns: new Set(columns.map((c) => `${c.table}.${c.name}`)),
    indexes: new Set(indexes.map((i) => `${i.table}.${i.name}`)),
    engines: new Map(engines.map((e) => [e.name, e.engine_full])),
  };
}

/** Whether one clause of an `ALTER TABLE table` would change anything. */
function clauseNeeded(table: string, clause: string, have: Existing): boolean {
  const column = /^ADD COLUMN IF NOT EXISTS (\w+) /.exec(clause);
  if (column) return !have.columns.has(`${table}.${column[1]}`);
  const index = /^ADD INDEX IF NOT EXISTS (\w+) /.exec(clause);
  if (index) return !have.indexes.has(`${table}.${index[1]}`);
  const settings = /^MODIFY SETTING (.+)$/s.exec(clause);
  if (settings) {
    const engine = (have.engines.get(table) ?? '').replace(/\s+/g, ' ');
    return (settings[1] as string).split(/,\s*/).some((setting) => !engine.includes(setting.trim()));
  }
  return true;
}

/**
 * The migration statements without the `ALTER` clauses the store already
 * has in effect (a column or skip index that exists, a table setting
 * already set), and without `ALTER`s left with no clause. A no-op `ALTER`
 * still rewrites the table's metadata file, and the embedded engine leaves
 * that file empty when the disk is full, after which the store cannot open;
 * so a start that changes nothing writes nothing. Other statements
 * (`CREATE … IF NOT EXISTS`, views) are kept as they are.
 */
export async function neededStatements(client: ClickHouseClient, statements: readonly string[]): Promise<string[]> {
  if (!statements.some((s) => s.startsWith('ALTER TABLE '))) return [...statements];
  const have = await existing(client);
  const kept: string[] = [];
  for (const statement of statements) {
    const alter = /^ALTER TABLE (\w+)((?: ON CLUSTER \S+)?)\n {2}([\s\S]+)$/.exec(statement) ?? /^ALTER TABLE (\w+)((?: ON CLUSTER \S+)?) (MODIFY SETTING [\s\S]+)$/.exec(statement);
    if (!alter) {
      kept.push(statement);
      continue;
    }
    const [, table = '', cluster = '', body = ''] = alter;
    // A table that does not exist yet is created by an earlier statement of the same run: keep its ALTERs.
    if (!have.engines.has(table)) {
      kept.push(statement);
      continue;
    }
    const clauses = body.startsWith('MODIFY SETTING') ? [body] : body.split(/,\n {2}/);
    const needed = clauses.filter((clause) => clauseNeeded(table, clause, have));
    if (needed.length === 0) continue;
    kept.push(body.startsWith('MODIFY SETTING') ? `ALTER TABLE ${table}${cluster} ${needed[0] ?? ''}` : `ALTER TABLE ${table}${cluster}\n  ${needed.join(',\n  ')}`);
  }
  return kept;
}
