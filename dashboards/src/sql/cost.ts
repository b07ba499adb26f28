import { ConstantVariableBuilder, type VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DEFAULT_PRICES, GB, MS_PER_HOUR, SERVER_KIND, TABLE, USAGE_COLUMNS, recordingOutcomesSql, type Prices } from '@rtcpulse/alerts';
import { tenantScope, tenantScopeHourBefore } from './filters.js';
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

/**
 * Per time bucket: `cpu`, `ram`, `egress`, `storage` dollars and participant
 * `hours`. A recording job's storage is billed once, in the bucket of its
 * last end report (`recordingOutcomesSql`).
 */
function costComponentsSql(scope: (timeColumn: string) => string): string {
  return `SELECT time, sum(cpu_part) AS cpu, sum(ram_part) AS ram, sum(egress_part) AS egress, sum(storage_part) AS storage, sum(hours_part) AS hours
FROM (
  SELECT $__timeInterval(ts) AS time,
    coalesce(sumIf(cpu_cores * interval_ms, kind = '${SERVER_KIND.node}'), 0) / ${HOUR_MS} * ${price('cpuHour')} AS cpu_part,
    coalesce(sumIf(coalesce(memory_limit_bytes, server_memory_usage_bytes) * interval_ms, kind = '${SERVER_KIND.node}'), 0) / ${GB} / ${HOUR_MS} * ${price('ramGbHour')} AS ram_part,
    coalesce(sumIf(sfu_egress_bytes, kind = '${SERVER_KIND.sfuEgress}'), 0) / ${GB} * ${price('egressPerGb')}
      + coalesce(sumIf(turn_relayed_bytes, kind = '${SERVER_KIND.turn}'), 0) / ${GB} * ${price('turnPerGb')} AS egress_part,
    0 AS storage_part,
    coalesce(sumIf(sfu_participant_time_h, kind = '${SERVER_KIND.sfu}'), 0) AS hours_part
  FROM ${TABLE.serverEvents}
  WHERE ${scope('ts')}
  GROUP BY time
  UNION ALL
  SELECT $__timeInterval(ended_at) AS time, 0, 0, 0,
    coalesce(sumIf(stored_bytes, outcome = 'finished'), 0) / ${GB} * ${price('storageGbMonth')} * ${price('storageRetentionMonths')}, 0
  FROM (
    ${recordingOutcomesSql(scope).replace(/\n/g, '\n    ')}
  )
  GROUP BY time
)
GROUP BY time`;
}

/** {@link costComponentsSql} over the dashboard's range. */
export const COST_COMPONENTS_SQL = costComponentsSql(tenantScope);

const indent = (sql: string): string => sql.replace(/^/gm, '  ');

/** Seconds a trailing window reaches back from a bucket's start (the bucket itself plus the hour before it). */
const TRAILING_S = 3600 - 1;

/**
 * {@link COST_COMPONENTS_SQL}'s columns summed, at each bucket, over the
 * buckets that start within the hour up to it (`cpu_1h` … `hours_1h`).
 * Server reports arrive on their own timers (an SFU every minute, a TURN
 * adapter every 15 s, a recorder when a job ends), so a small bucket often
 * holds cost and no participant time or the reverse; a ratio per bucket
 * then drops cost or jumps between 0 and several times the truth. Over a
 * trailing hour the edges are one report out of many. Buckets of an hour or
 * more are judged on their own. The data read reaches an hour before the
 * range, so its first buckets cover a whole hour too; only buckets that
 * reach into the range are kept.
 */
const TRAILING_HOUR_COMPONENTS_SQL = `SELECT time, cpu_1h, ram_1h, egress_1h, storage_1h, hours_1h
FROM (
  SELECT time,
    sum(cpu) OVER trailing AS cpu_1h, sum(ram) OVER trailing AS ram_1h, sum(egress) OVER trailing AS egress_1h,
    sum(storage) OVER trailing AS storage_1h, sum(hours) OVER trailing AS hours_1h
  FROM (
${indent(indent(costComponentsSql(tenantScopeHourBefore)))}
  )
  WINDOW trailing AS (ORDER BY toUInt32(time) RANGE BETWEEN ${TRAILING_S} PRECEDING AND CURRENT ROW)
)
WHERE time + INTERVAL $__interval_s SECOND > $__fromTime`;

/**
 * Cost per participant-hour by component (long format): at each bucket, the
 * trailing hour's cost over its SFU participant-hours (see
 * {@link TRAILING_HOUR_COMPONENTS_SQL}); no point where that hour has no
 * participant time.
 */
export const COST_PER_PARTICIPANT_HOUR_SQL = `SELECT time, component, usd / hours_1h AS usd_per_participant_hour
FROM (
${indent(TRAILING_HOUR_COMPONENTS_SQL)}
)
ARRAY JOIN ['cpu', 'ram', 'egress', 'storage'] AS component, [cpu_1h, ram_1h, egress_1h, storage_1h] AS usd
WHERE hours_1h > 0
ORDER BY time, component`;

/**
 * The dashboard range as a whole, per component and in total: dollars and
 * dollars per participant-hour (null without SFU participant time). The
 * same sums as the collector's `GET /v1/server/cost` over the same range.
 */
export const COST_OVER_RANGE_SQL = `SELECT component, usd, if(hours_sum > 0, usd / hours_sum, NULL) AS usd_per_participant_hour
FROM (
  SELECT sum(cpu) AS cpu_sum, sum(ram) AS ram_sum, sum(egress) AS egress_sum, sum(storage) AS storage_sum, sum(hours) AS hours_sum
  FROM (
${indent(indent(COST_COMPONENTS_SQL))}
  )
)
ARRAY JOIN ['cpu', 'ram', 'egress', 'storage', 'total'] AS component,
  [cpu_sum, ram_sum, egress_sum, storage_sum, cpu_sum + ram_sum + egress_sum + storage_sum] AS usd`;

/** Egress (SFU plus TURN) as a share of all infrastructure cost over the trailing hour of each bucket with any cost (runbook entry 8). */
export const EGRESS_COST_SHARE_SQL = `SELECT time, 100 * egress_1h / (cpu_1h + ram_1h + egress_1h + storage_1h) AS egress_cost_pct
FROM (
${indent(TRAILING_HOUR_COMPONENTS_SQL)}
)
WHERE cpu_1h + ram_1h + egress_1h + storage_1h > 0
ORDER BY time`;
