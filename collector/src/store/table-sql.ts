import type { SchemaOptions } from './config.js';
import { DEDUP_WINDOW_BLOCKS, checkTable, type TableEngine, type TableSpec } from './table-spec.js';
import { ttlClause } from './ttl.js';

/** Suffix of the replicated local tables behind the `Distributed` ones in cluster mode. */
export const LOCAL_SUFFIX = '_local';

/** ` ON CLUSTER \`name\`` in cluster mode, '' otherwise. */
export function onCluster(options: SchemaOptions): string {
  return options.cluster ? ` ON CLUSTER \`${options.cluster}\`` : '';
}

/** The table that physically holds the rows: `<name>_local` in cluster mode, the table itself otherwise. */
export function physicalTable(name: string, options: SchemaOptions): string {
  return options.cluster ? `${name}${LOCAL_SUFFIX}` : name;
}

function engineSql(engine: TableEngine | undefined, replicatedAs?: string): string {
  const kind = engine?.kind ?? 'MergeTree';
  const args = engine?.kind === 'ReplacingMergeTree' ? [engine.version] : [];
  if (replicatedAs === undefined) return args.length ? `${kind}(${args.join(', ')})` : kind;
  const path = `'/clickhouse/tables/{shard}/{database}/${replicatedAs}'`;
  return `Replicated${kind}(${[path, "'{replica}'", ...args].join(', ')})`;
}

/**
 * Table settings: a deduplication window so a retried insert is stored once
 * (the replicated window on a cluster), and fsync of every inserted part and
 * its directory before the insert returns, so an acknowledged report survives
 * a power cut, not only a process crash.
 */
export function tableSettings(replicated = false): string {
  const window = replicated ? 'replicated_deduplication_window' : 'non_replicated_deduplication_window';
  return [`${window} = ${DEDUP_WINDOW_BLOCKS}`, 'fsync_after_insert = 1', 'fsync_part_directory = 1'].join(', ');
}

function createSql(table: TableSpec, options: SchemaOptions): string {
  checkTable(table);
  const name = physicalTable(table.name, options);
  const columns = table.columns.map((c) => `  ${c.name} ${c.type}`);
  const indexes = (table.indexes ?? []).map((i) => `  INDEX ${i.name} ${i.expression} TYPE ${i.type}`);
  const ttl = ttlClause(table, options);
  return [
    `CREATE TABLE IF NOT EXISTS ${name}${onCluster(options)}\n(\n${[...columns, ...indexes].join(',\n')}\n)`,
    `ENGINE = ${engineSql(table.engine, options.cluster ? name : undefined)}`,
    `PARTITION BY ${table.partitionBy}`,
    `ORDER BY (${table.orderBy.join(', ')})`,
    ...(ttl ? [`TTL ${ttl}`] : []),
    `SETTINGS ${tableSettings(options.cluster !== undefined)}`,
  ].join('\n');
}

/**
 * `CREATE TABLE IF NOT EXISTS` for a table: engine, partitions, sorting key,
 * skip indexes, retention when configured, deduplication window. In cluster
 * mode this is the replicated local table.
 */
export function createTableSql(table: TableSpec, options: SchemaOptions = {}): string {
  return createSql(table, options);
}

/**
 * One `ALTER TABLE` adding every column that is not part of the sorting key,
 * each `IF NOT EXISTS`: on an existing table it adds exactly the columns the
 * registry gained since the table was created. Existing columns keep their type.
 */
export function addColumnsSql(table: TableSpec, options: SchemaOptions = {}, name = table.name): string {
  checkTable(table);
  const clauses = table.columns
    .filter((c) => !table.orderBy.includes(c.name))
    .map((c) => `ADD COLUMN IF NOT EXISTS ${c.name} ${c.type}`);
  return `ALTER TABLE ${name}${onCluster(options)}\n  ${clauses.join(',\n  ')}`;
}

/** Skip indexes for tables created before them (`ADD INDEX IF NOT EXISTS`); nothing for a table without indexes. */
export function addIndexesSql(table: TableSpec, options: SchemaOptions = {}, name = table.name): string[] {
  const indexes = table.indexes ?? [];
  if (indexes.length === 0) return [];
  const clauses = indexes.map((i) => `ADD INDEX IF NOT EXISTS ${i.name} ${i.expression} TYPE ${i.type}`);
  return [`ALTER TABLE ${name}${onCluster(options)}\n  ${clauses.join(',\n  ')}`];
}

/** Keeps the table settings on for tables created before they were part of the DDL. */
export function dedupSettingSql(table: TableSpec, options: SchemaOptions = {}, name = table.name): string {
  return `ALTER TABLE ${name}${onCluster(options)} MODIFY SETTING ${tableSettings(options.cluster !== undefined)}`;
}

function shardingKey(table: TableSpec): string {
  if (table.shardBy) return table.shardBy;
  const names = new Set(table.columns.map((c) => c.name));
  if (names.has('tenant') && names.has('session_id')) return 'cityHash64(tenant, session_id)';
  return names.has('tenant') ? 'cityHash64(tenant)' : 'rand()';
}

/** The `Distributed` table with the plain name over the local tables of every shard. */
export function distributedTableSql(table: TableSpec, options: SchemaOptions & { cluster: string }): string {
  const local = physicalTable(table.name, options);
  return [
    `CREATE TABLE IF NOT EXISTS ${table.name}${onCluster(options)} AS ${local}`,
    `ENGINE = Distributed('${options.cluster}', currentDatabase(), ${local}, ${shardingKey(table)})`,
  ].join('\n');
}

/** Single-node statements of one table, in order. */
export function singleNodeStatements(table: TableSpec, options: SchemaOptions = {}): string[] {
  return [createTableSql(table, options), addColumnsSql(table), ...addIndexesSql(table), dedupSettingSql(table)];
}

/**
 * Cluster statements of one table: the replicated local table, the
 * `Distributed` table over it, then the additive column and index changes
 * and the settings, on both where they apply.
 */
export function clusterStatements(table: TableSpec, options: SchemaOptions & { cluster: string }): string[] {
  const local = physicalTable(table.name, options);
  return [
    createTableSql(table, options),
    distributedTableSql(table, options),
    addColumnsSql(table, options, local),
    addColumnsSql(table, options, table.name),
    ...addIndexesSql(table, options, local),
    dedupSettingSql(table, options, local),
  ];
}
