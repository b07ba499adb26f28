import { collectQueries, expandQuery, generateDashboards, type ExpansionContext, type PanelQuery, type VariableValue } from '@rtcpulse/dashboards';

/** Every ClickHouse query of every generated dashboard. */
export const PANEL_QUERIES: readonly PanelQuery[] = generateDashboards().flatMap(collectQueries);

/** Each dashboard's constant variables at their generated values, as Grafana substitutes them. */
const CONSTANTS = new Map(
  generateDashboards().map((b) => [
    b.dashboard.uid ?? b.file,
    Object.fromEntries(
      (b.dashboard.templating?.list ?? []).filter((v) => v.type === 'constant').map((v) => [v.name, { values: [String(v.query ?? '')] } as VariableValue]),
    ),
  ]),
);

/** A query's SQL as Grafana and the ClickHouse plugin would send it, for the given time range and selections. */
export function expandPanelQuery(query: PanelQuery, range: { from: Date; to: Date }, variables: Record<string, VariableValue>): string {
  const context: ExpansionContext = { ...range, intervalMs: 10_000, variables: { ...CONSTANTS.get(query.dashboard), ...variables } };
  return expandQuery(query.rawSql, context);
}
