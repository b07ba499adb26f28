/** One column of a table: name and ClickHouse type. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: string;
}

/** MergeTree family engine of a table; `ReplacingMergeTree` keeps the row with the highest `version`. */
export type TableEngine =
  | { readonly kind: 'MergeTree' }
  | { readonly kind: 'ReplacingMergeTree'; readonly version: string }
  | { readonly kind: 'AggregatingMergeTree' };

/** A data-skipping index. */
export interface IndexSpec {
  readonly name: string;
  readonly expression: string;
  /** Index type and granularity, for example `minmax GRANULARITY 1`. */
  readonly type: string;
}

/**
 * Everything the migrations need to know about one table. Only `name`,
 * `columns`, `partitionBy` and `orderBy` are required: that is a plain
 * MergeTree without retention.
 */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly partitionBy: string;
  readonly orderBy: readonly string[];
  /** Default `MergeTree`. */
  readonly engine?: TableEngine;
  /** Date or DateTime column retention counts from (`RTCPULSE_TTL_DAYS_<TABLE>`); without it the table keeps its rows. */
  readonly ttlColumn?: string;
  readonly indexes?: readonly IndexSpec[];
  /** Sharding expression of the `Distributed` table in cluster mode (default: tenant and session when present). */
  readonly shardBy?: string;
}

/**
 * How many recent insert blocks each table remembers for deduplication. A
 * retried insert carries the same `insert_deduplication_token` and is dropped
 * if its first attempt is among the last this many inserts into the table.
 */
export const DEDUP_WINDOW_BLOCKS = 10_000;

/** Millisecond UTC timestamps. */
export const TIME = "DateTime64(3, 'UTC')";
/** Strings with few distinct values (dictionary-encoded). */
export const LABEL = 'LowCardinality(String)';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Throw unless every name is a plain snake_case identifier and none repeats. */
export function checkTable(table: TableSpec): void {
  const seen = new Set<string>();
  const names = [table.name, ...table.columns.map((c) => c.name), ...(table.indexes ?? []).map((i) => i.name)];
  for (const name of names) {
    if (!IDENTIFIER.test(name)) throw new Error(`${table.name}: "${name}" is not a snake_case identifier`);
    if (seen.has(name)) throw new Error(`${table.name}: column "${name}" is defined twice`);
    seen.add(name);
  }
}
