import { SAMPLE_LABELS, sampleColumns } from '@rtcpulse/schema';

/** One column of a table: name and ClickHouse type. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: string;
}

/** Everything the migrations need to know about one table. */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly partitionBy: string;
  readonly orderBy: readonly string[];
}

/**
 * How many recent insert blocks each table remembers for deduplication. A
 * retried batch carries the same `insert_deduplication_token` and is dropped
 * if its first attempt is among the last this many inserts into the table.
 */
export const DEDUP_WINDOW_BLOCKS = 10_000;

const TIME = "DateTime64(3, 'UTC')";
const LABEL = 'LowCardinality(String)';
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

const CLIENT_META: readonly ColumnSpec[] = [
  { name: 'sdk_version', type: LABEL },
  { name: 'browser', type: LABEL },
  { name: 'browser_version', type: LABEL },
  { name: 'os', type: LABEL },
  { name: 'region', type: LABEL },
  { name: 'topology', type: LABEL },
];

const SESSION_IDS: readonly ColumnSpec[] = [
  { name: 'tenant', type: LABEL },
  { name: 'session_id', type: 'String' },
  { name: 'call_id', type: 'String' },
  { name: 'participant_id', type: 'String' },
];

/** One row per peer connection per sample interval; a numeric column per registry metric. */
export function samplesTable(): TableSpec {
  return {
    name: 'samples',
    columns: [
      ...SESSION_IDS,
      { name: 'pc_id', type: 'String' },
      { name: 'seq', type: 'UInt32' },
      { name: 'ts', type: TIME },
      { name: 'dur_ms', type: 'Float64' },
      { name: 'received_at', type: TIME },
      ...CLIENT_META,
      ...SAMPLE_LABELS.map((label) => ({ name: label.key, type: LABEL })),
      ...sampleColumns().map((c) => ({ name: c.column, type: 'Nullable(Float64)' })),
    ],
    partitionBy: 'toYYYYMM(ts)',
    orderBy: ['tenant', 'session_id', 'pc_id', 'ts', 'seq'],
  };
}

/** Lifecycle, state and error events; `pc_id` is empty for session-level events. */
export function eventsTable(): TableSpec {
  return {
    name: 'events',
    columns: [
      ...SESSION_IDS,
      { name: 'pc_id', type: 'String' },
      { name: 'ts', type: TIME },
      { name: 'received_at', type: TIME },
      { name: 'type', type: LABEL },
      { name: 'state', type: LABEL },
      { name: 'value', type: 'Nullable(Float64)' },
      { name: 'name', type: LABEL },
      { name: 'stage', type: LABEL },
      { name: 'message', type: 'String' },
      ...CLIENT_META,
    ],
    partitionBy: 'toYYYYMM(ts)',
    orderBy: ['tenant', 'session_id', 'ts'],
  };
}

/** One row per accepted batch: what it carried and what the SDK says it dropped. */
export function batchesTable(): TableSpec {
  return {
    name: 'batches',
    columns: [
      ...SESSION_IDS,
      { name: 'batch_seq', type: 'UInt32' },
      { name: 'sent_at', type: TIME },
      { name: 'received_at', type: TIME },
      { name: 'sample_count', type: 'UInt32' },
      { name: 'event_count', type: 'UInt32' },
      { name: 'dropped_samples', type: 'UInt32' },
      { name: 'dropped_events', type: 'UInt32' },
      { name: 'sdk_version', type: LABEL },
    ],
    partitionBy: 'toYYYYMM(received_at)',
    orderBy: ['tenant', 'session_id', 'batch_seq'],
  };
}

/** All tables the collector owns, in creation order. */
export function tables(): readonly TableSpec[] {
  return [samplesTable(), eventsTable(), batchesTable()];
}

/** Throw unless every name is a plain snake_case identifier and none repeats. */
export function checkTable(table: TableSpec): void {
  const seen = new Set<string>();
  for (const name of [table.name, ...table.columns.map((c) => c.name)]) {
    if (!IDENTIFIER.test(name)) throw new Error(`${table.name}: "${name}" is not a snake_case identifier`);
    if (seen.has(name)) throw new Error(`${table.name}: column "${name}" is defined twice`);
    seen.add(name);
  }
}

/** `CREATE TABLE IF NOT EXISTS` for a table, deduplication window included. */
export function createTableSql(table: TableSpec): string {
  checkTable(table);
  const columns = table.columns.map((c) => `  ${c.name} ${c.type}`).join(',\n');
  return [
    `CREATE TABLE IF NOT EXISTS ${table.name}\n(\n${columns}\n)`,
    'ENGINE = MergeTree',
    `PARTITION BY ${table.partitionBy}`,
    `ORDER BY (${table.orderBy.join(', ')})`,
    `SETTINGS ${tableSettings()}`,
  ].join('\n');
}

/**
 * One `ALTER TABLE` adding every column that is not part of the sorting key,
 * each `IF NOT EXISTS`: on an existing table it adds exactly the columns the
 * registry gained since the table was created. Existing columns keep their type.
 */
export function addColumnsSql(table: TableSpec): string {
  checkTable(table);
  const clauses = table.columns
    .filter((c) => !table.orderBy.includes(c.name))
    .map((c) => `ADD COLUMN IF NOT EXISTS ${c.name} ${c.type}`);
  return `ALTER TABLE ${table.name}\n  ${clauses.join(',\n  ')}`;
}

/**
 * Table settings: a deduplication window so a retried batch is stored once,
 * and fsync of every inserted part (and its directory) before the insert
 * returns, so that an acknowledged report survives a power cut, not only a
 * process crash.
 */
function tableSettings(): string {
  return [
    `non_replicated_deduplication_window = ${DEDUP_WINDOW_BLOCKS}`,
    'fsync_after_insert = 1',
    'fsync_part_directory = 1',
  ].join(', ');
}

/** Keeps these settings on for tables created before they were part of the DDL. */
export function dedupSettingSql(table: TableSpec): string {
  return `ALTER TABLE ${table.name} MODIFY SETTING ${tableSettings()}`;
}

/** Every migration statement, in order. Each one is idempotent. */
export function migrationStatements(): readonly string[] {
  return tables().flatMap((t) => [createTableSql(t), addColumnsSql(t), dedupSettingSql(t)]);
}
