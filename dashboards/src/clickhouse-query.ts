import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * Result formats of the grafana-clickhouse-datasource plugin (its `Format`
 * enum): how the plugin turns rows into data frames.
 */
export const ClickHouseFormat = {
  TimeSeries: 0,
  Table: 1,
  Logs: 2,
  Traces: 3,
} as const;
export type ClickHouseFormat = (typeof ClickHouseFormat)[keyof typeof ClickHouseFormat];

/** The plugin's query types, matching {@link ClickHouseFormat}. */
export type ClickHouseQueryType = 'timeseries' | 'table' | 'logs' | 'traces';

const QUERY_TYPE_OF_FORMAT: Readonly<Record<ClickHouseFormat, ClickHouseQueryType>> = {
  0: 'timeseries',
  1: 'table',
  2: 'logs',
  3: 'traces',
};

/** A raw-SQL target of the grafana-clickhouse-datasource plugin, as stored in dashboard JSON. */
export interface ClickHouseQuery extends cog.Dataquery {
  datasource?: DataSourceRef;
  editorType: 'sql';
  rawSql: string;
  format: ClickHouseFormat;
  queryType: ClickHouseQueryType;
  refId: string;
  hide?: boolean;
}

/** True for a target built by {@link ClickHouseQueryBuilder} (or shaped like one). */
export function isClickHouseQuery(target: unknown): target is ClickHouseQuery {
  return (
    typeof target === 'object' &&
    target !== null &&
    (target as Partial<ClickHouseQuery>).editorType === 'sql' &&
    typeof (target as Partial<ClickHouseQuery>).rawSql === 'string'
  );
}

/**
 * Builder for a ClickHouse SQL target, usable wherever the foundation SDK
 * takes a `cog.Builder<cog.Dataquery>` (panel targets, annotations,
 * variables). Defaults to a time-series result; `refId` stays empty until the
 * dashboard is finalised (see `finalizeDashboard`) unless set here.
 *
 * @example
 * new ClickHouseQueryBuilder().datasource(ref).rawSql('SELECT 1').format(ClickHouseFormat.Table)
 */
export class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  protected readonly internal: ClickHouseQuery;

  constructor() {
    this.internal = {
      editorType: 'sql',
      rawSql: '',
      format: ClickHouseFormat.TimeSeries,
      queryType: 'timeseries',
      refId: '',
      _implementsDataqueryVariant: () => {},
    };
  }

  build(): ClickHouseQuery {
    return this.internal;
  }

  datasource(datasource: DataSourceRef): this {
    this.internal.datasource = datasource;
    return this;
  }

  /** The SQL, with plugin macros and template variables left for Grafana to expand. */
  rawSql(rawSql: string): this {
    this.internal.rawSql = rawSql;
    return this;
  }

  /** Result format; also sets the matching `queryType`. */
  format(format: ClickHouseFormat): this {
    this.internal.format = format;
    this.internal.queryType = QUERY_TYPE_OF_FORMAT[format];
    return this;
  }

  queryType(queryType: ClickHouseQueryType): this {
    this.internal.queryType = queryType;
    return this;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  hide(hide: boolean): this {
    this.internal.hide = hide;
    return this;
  }
}
