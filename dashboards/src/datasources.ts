import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

/** Plugin id of the ClickHouse data source Grafana needs installed. */
export const CLICKHOUSE_PLUGIN_ID = 'grafana-clickhouse-datasource';

/** Fixed uid of the provisioned ClickHouse data source (the collector's store). */
export const CLICKHOUSE_UID = 'rtcpulse-clickhouse';

/** Fixed uid of the provisioned Prometheus data source (scraping the collector's `/metrics`). */
export const PROMETHEUS_UID = 'rtcpulse-prometheus';

/** Name of the template variable that picks the ClickHouse data source. */
export const CLICKHOUSE_VARIABLE = 'datasource';

/** Name of the template variable that picks the Prometheus data source. */
export const PROMETHEUS_VARIABLE = 'prometheus';

/** Every panel's ClickHouse queries go through the `datasource` variable, defaulting to {@link CLICKHOUSE_UID}. */
export const clickhouseRef: DataSourceRef = { type: CLICKHOUSE_PLUGIN_ID, uid: `\${${CLICKHOUSE_VARIABLE}}` };

/** Prometheus queries go through the `prometheus` variable, defaulting to {@link PROMETHEUS_UID}. */
export const prometheusRef: DataSourceRef = { type: 'prometheus', uid: `\${${PROMETHEUS_VARIABLE}}` };
