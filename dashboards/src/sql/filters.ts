/**
 * WHERE fragments shared by panels: the time range and the dashboard's
 * tenant, region and browser variables. Each variable filter is wrapped in
 * `$__conditionalAll` so "All" costs nothing, and values are single-quoted
 * by Grafana (`${var:singlequote}`), never pasted raw.
 */

/** `column IN (<selected values>)`, or `1=1` when the variable is All. */
export function variableFilter(column: string, variable: string): string {
  return `$__conditionalAll(${column} IN (\${${variable}:singlequote}), $${variable})`;
}

/** Time range plus tenant scope: every read is scoped by tenant. */
export function tenantScope(timeColumn: string): string {
  return [`$__timeFilter(${timeColumn})`, variableFilter('tenant', 'tenant')].join('\n  AND ');
}

/** {@link tenantScope} with the range reaching back an hour before its start (for trailing-hour sums at its first buckets). */
export function tenantScopeHourBefore(timeColumn: string): string {
  return [`${timeColumn} >= $__fromTime - INTERVAL 1 HOUR AND ${timeColumn} <= $__toTime`, variableFilter('tenant', 'tenant')].join('\n  AND ');
}

/** Time range, tenant, region and browser (tables that carry the client meta columns). */
export function clientScope(timeColumn = 'ts'): string {
  return [tenantScope(timeColumn), variableFilter('region', 'region'), variableFilter('browser', 'browser')].join('\n  AND ');
}

/** Columns {@link clientScope} reads. */
export const CLIENT_SCOPE_COLUMNS = ['ts', 'tenant', 'region', 'browser'] as const;

/** A single-session filter for the drill-down (`session` is a textbox variable). */
export function sessionScope(timeColumn = 'ts'): string {
  return [`$__timeFilter(${timeColumn})`, variableFilter('tenant', 'tenant'), "session_id = '${session}'"].join('\n  AND ');
}
