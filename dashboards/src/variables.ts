import {
  ConstantVariableBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableRefresh,
  VariableSort,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { CLICKHOUSE_PLUGIN_ID, CLICKHOUSE_UID, CLICKHOUSE_VARIABLE, PROMETHEUS_UID, PROMETHEUS_VARIABLE, clickhouseRef } from './datasources.js';
import { variableFilter } from './sql/filters.js';
import { tableSql, type QueryCatalog } from './sql/needs.js';
import { DEFAULT_RUNBOOK_BASE_URL } from './thresholds.js';

type VariableBuilder = cog.Builder<VariableModel>;

const ALL = { text: 'All', value: '$__all' };

/** The ClickHouse data source picker, defaulting to the provisioned uid. */
export function clickhouseVariable(): VariableBuilder {
  return new DatasourceVariableBuilder(CLICKHOUSE_VARIABLE)
    .label('ClickHouse')
    .type(CLICKHOUSE_PLUGIN_ID)
    .current({ text: 'rtcpulse ClickHouse', value: CLICKHOUSE_UID });
}

/** The Prometheus data source picker, defaulting to the provisioned uid. */
export function prometheusVariable(): VariableBuilder {
  return new DatasourceVariableBuilder(PROMETHEUS_VARIABLE)
    .label('Prometheus')
    .type('prometheus')
    .current({ text: 'rtcpulse Prometheus', value: PROMETHEUS_UID });
}

function multiQueryVariable(catalog: QueryCatalog, name: string, label: string, sql: string, tables: Record<string, string[]>): VariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(clickhouseRef)
    .query(catalog.target(tableSql(sql, { tables })).refId(`${name}Variable`).build() as unknown as Record<string, unknown>)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current(ALL);
}

/** Tenants that sent anything in the range. */
export function tenantVariable(catalog: QueryCatalog): VariableBuilder {
  return multiQueryVariable(
    catalog,
    'tenant',
    'Tenant',
    'SELECT DISTINCT tenant FROM batches WHERE $__timeFilter(received_at) ORDER BY tenant',
    { batches: ['tenant', 'received_at'] },
  );
}

/** Regions (and browsers) seen in the range for the selected tenants. */
export function clientMetaVariable(catalog: QueryCatalog, column: 'region' | 'browser', label: string): VariableBuilder {
  return multiQueryVariable(
    catalog,
    column,
    label,
    `SELECT DISTINCT ${column} FROM samples WHERE $__timeFilter(ts) AND ${variableFilter('tenant', 'tenant')} ORDER BY ${column}`,
    { samples: [column, 'ts', 'tenant'] },
  );
}

/** The session the drill-down shows; data links fill it in. */
export function sessionVariable(): VariableBuilder {
  return new TextBoxVariableBuilder('session').label('Session id').description('Set by clicking a session in the other dashboards.');
}

/** The session's peer connections; the drill-down repeats a row per selected one. */
export function peerConnectionVariable(catalog: QueryCatalog): VariableBuilder {
  return multiQueryVariable(
    catalog,
    'pc',
    'Peer connection',
    `SELECT DISTINCT pc_id FROM samples WHERE $__timeFilter(ts) AND ${variableFilter('tenant', 'tenant')} AND session_id = '\${session}' ORDER BY pc_id`,
    { samples: ['pc_id', 'ts', 'tenant', 'session_id'] },
  );
}

/** Where the runbook pages are served (set when the dashboards are generated: provisioned dashboards cannot be edited in Grafana). */
export function runbookBaseVariable(url: string = DEFAULT_RUNBOOK_BASE_URL): VariableBuilder {
  return new ConstantVariableBuilder('runbook_base').label('Runbook base URL').value(url);
}

/** The variables of the fleet dashboards: data sources, tenant, region, browser. */
export function fleetVariables(catalog: QueryCatalog): VariableBuilder[] {
  return [
    clickhouseVariable(),
    prometheusVariable(),
    tenantVariable(catalog),
    clientMetaVariable(catalog, 'region', 'Region'),
    clientMetaVariable(catalog, 'browser', 'Browser'),
  ];
}
