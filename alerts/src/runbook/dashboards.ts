/**
 * Grafana dashboard uids the runbook pages send on-call to. They are the
 * stable uids of the generated dashboards in `dashboards/`.
 */
export const DASHBOARD = {
  overview: 'rtcpulse-overview',
  quality: 'rtcpulse-quality',
  errors: 'rtcpulse-errors',
  cost: 'rtcpulse-cost',
  compliance: 'rtcpulse-compliance',
  runbook: 'rtcpulse-runbook',
  session: 'rtcpulse-session',
} as const;

/** Fixed uid of the provisioned ClickHouse data source the Grafana-managed rules query. */
export const CLICKHOUSE_DATASOURCE_UID = 'rtcpulse-clickhouse';
