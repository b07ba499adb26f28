import { collectQueries, expandQuery, generateDashboards, type PanelQuery, type VariableValue } from '@rtcpulse/dashboards';

/** Every ClickHouse query of every generated dashboard. */
export const PANEL_QUERIES: readonly PanelQuery[] = generateDashboards().flatMap(collectQueries);

/** A query's SQL as Grafana and the ClickHouse plugin would send it, for the given time range and selections. */
export function expandPanelQuery(query: PanelQuery, range: { from: Date; to: Date }, variables: Record<string, VariableValue>): string {
  return expandQuery(query.rawSql, { ...range, intervalMs: 10_000, variables: { ...query.constants, ...variables } });
}
