import { ClickHouseFormat, ClickHouseQueryBuilder } from '../clickhouse-query.js';
import { clickhouseRef } from '../datasources.js';

/**
 * What a query reads: tables with the columns it uses, and event types it
 * counts on. Tests run a query only when the store has all of it, and list
 * the others as waiting for the collector (sessions, server events, audit
 * log, rollups) or for the registry (event types the SDK does not send yet).
 */
export interface Needs {
  readonly tables: Readonly<Record<string, readonly string[]>>;
  readonly eventTypes?: readonly string[];
  /** The query may rightly return no rows (an alert rule's form keeps only groups with enough volume). */
  readonly mayBeEmpty?: boolean;
}

/** A ClickHouse query and what it reads. */
export interface SqlSpec {
  readonly sql: string;
  readonly format: ClickHouseFormat;
  readonly needs: Needs;
}

/**
 * Collects the needs of every query built for one dashboard, keyed by SQL
 * text, so the generated JSON stays plain Grafana while tests can still
 * tell which tables each target reads.
 */
export class QueryCatalog {
  private readonly bySql = new Map<string, Needs>();

  /** A target builder for `spec`, recording its needs. */
  target(spec: SqlSpec): ClickHouseQueryBuilder {
    const sql = spec.sql.trim();
    this.bySql.set(sql, mergeNeeds(this.bySql.get(sql), spec.needs));
    return new ClickHouseQueryBuilder().datasource(clickhouseRef).rawSql(sql).format(spec.format);
  }

  /** Needs of a query built here, by its SQL text. */
  needsOf(sql: string): Needs | undefined {
    return this.bySql.get(sql.trim());
  }
}

function mergeNeeds(a: Needs | undefined, b: Needs): Needs {
  if (!a) return b;
  const tables: Record<string, readonly string[]> = { ...a.tables };
  for (const [table, columns] of Object.entries(b.tables)) {
    tables[table] = [...new Set([...(tables[table] ?? []), ...columns])];
  }
  return {
    tables,
    eventTypes: [...new Set([...(a.eventTypes ?? []), ...(b.eventTypes ?? [])])],
    ...(a.mayBeEmpty && b.mayBeEmpty ? { mayBeEmpty: true } : {}),
  };
}

/** Shorthand for a time-series spec. */
export function timeSeriesSql(sql: string, needs: Needs): SqlSpec {
  return { sql, format: ClickHouseFormat.TimeSeries, needs };
}

/** Shorthand for a table spec (stat, table, heatmap, annotation, variable). */
export function tableSql(sql: string, needs: Needs): SqlSpec {
  return { sql, format: ClickHouseFormat.Table, needs };
}
