import { ConstantVariableBuilder, type VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DEFAULT_PRICES, GB, MS_PER_HOUR, SERVER_KIND, TABLE, USAGE_COLUMNS, type Prices } from '@rtcpulse/alerts';
import { tenantScope } from './filters.js';
import type { Needs } from './needs.js';

/**
 * Cost computed in SQL from the usage in `server_events` (which stores no
 * dollars: the collector prices usage when asked) and the unit prices, held
 * as one hidden constant variable per price. Their defaults are the
 * collector's default pricing (`DEFAULT_PRICES`, the same list the
 * Grafana-managed cost rules use); set them to your `RTCPULSE_PRICE_*`
 * values in the provisioned JSON. The decomposition is the collector's:
 *
 *     cpu     = vCPU-hours × cpuHour
 *     ram     = GB-hours (limit, else used) × ramGbHour
 *     egress  = SFU egress GB × egressPerGb + TURN relayed GB × turnPerGb
 *     storage = finished recordings GB × storageGbMonth × storageRetentionMonths
 *     hours   = participant-hours the SFUs report
 */

/** Grafana variable holding each price. */
export const PRICE_VARIABLES: Readonly<Record<keyof Prices, string>> = {
  egressPerGb: 'price_egress_per_gb',
  turnPerGb: 'price_turn_per_gb',
  cpuHour: 'price_cpu_hour',
  ramGbHour: 'price_ram_gb_hour',
  storageGbMonth: 'price_storage_gb_month',
  storageRetentionMonths: 'storage_retention_months',
};

const LABELS: Readonly<Record<keyof Prices, string>> = {
  egressPerGb: 'SFU egress $/GB',
  turnPerGb: 'TURN relay $/GB',
  cpuHour: 'CPU $/vCPU-hour',
  ramGbHour: 'RAM $/GB-hour',
  storageGbMonth: 'Storage $/GB-month',
  storageRetentionMonths: 'Recording retention (months)',
};

/** The price constants, defaulting to `prices` (the collector's defaults unless given). */
export function priceVariables(prices: Prices = DEFAULT_PRICES): cog.Builder<VariableModel>[] {
  return (Object.keys(PRICE_VARIABLES) as (keyof Prices)[]).map((key) =>
    new ConstantVariableBuilder(PRICE_VARIABLES[key]).label(LABELS[key]).value(String(prices[key])),
  );
}

const price = (key: keyof Prices): string => `\${${PRICE_VARIABLES[key]}}`;
const HOUR_MS = MS_PER_HOUR;

/** What the cost queries read: the same usage columns as the cost alert rule. */
export const COST_NEEDS: Needs = { tables: { [TABLE.serverEvents]: [...USAGE_COLUMNS] } };

/** Per time bucket: `cpu`, `ram`, `egress`, `storage` dollars and participant `hours`. */
export const COST_COMPONENTS_SQL = `SELECT $__timeInterval(ts) AS time,
  coalesce(sumIf(cpu_cores * interval_ms, kind = '${SERVER_KIND.node}'), 0) / ${HOUR_MS} * ${price('cpuHour')} AS cpu,
  coalesce(sumIf(coalesce(memory_limit_bytes, server_memory_usage_bytes) * interval_ms, kind = '${SERVER_KIND.node}'), 0) / ${GB} / ${HOUR_MS} * ${price('ramGbHour')} AS ram,
  coalesce(sumIf(sfu_egress_bytes, kind = '${SERVER_KIND.sfuEgress}'), 0) / ${GB} * ${price('egressPerGb')}
    + coalesce(sumIf(turn_relayed_bytes, kind = '${SERVER_KIND.turn}'), 0) / ${GB} * ${price('turnPerGb')} AS egress,
  coalesce(sumIf(recording_stored_bytes, kind = '${SERVER_KIND.recording}' AND state = 'finished'), 0) / ${GB} * ${price('storageGbMonth')} * ${price('storageRetentionMonths')} AS storage,
  coalesce(sumIf(sfu_participant_time_h, kind = '${SERVER_KIND.sfu}'), 0) AS hours
FROM ${TABLE.serverEvents}
WHERE ${tenantScope('ts')}
GROUP BY time`;

const indent = (sql: string): string => sql.replace(/^/gm, '  ');

/** Cost per participant-hour by component, per time bucket with SFU participant time (long format). */
export const COST_PER_PARTICIPANT_HOUR_SQL = `SELECT time, component, usd / hours AS usd_per_participant_hour
FROM (
${indent(COST_COMPONENTS_SQL)}
)
ARRAY JOIN ['cpu', 'ram', 'egress', 'storage'] AS component, [cpu, ram, egress, storage] AS usd
WHERE hours > 0
ORDER BY time, component`;

/** Egress (SFU plus TURN) as a share of all infrastructure cost, per time bucket with any cost (runbook entry 8). */
export const EGRESS_COST_SHARE_SQL = `SELECT time, 100 * egress / (cpu + ram + egress + storage) AS egress_cost_pct
FROM (
${indent(COST_COMPONENTS_SQL)}
)
WHERE cpu + ram + egress + storage > 0
ORDER BY time`;
