import { inWindow } from './sql.js';
import { SERVER_KIND, TABLE } from './telemetry.js';
import type { MetricSelector, SqlContext } from './types.js';
import { MS_PER_HOUR } from './volume.js';
import { recordingOutcomesSql } from './recording-outcomes.js';

/** Bytes in a billed gigabyte (decimal, as clouds bill and cloud invoices count). */
export const GB = 1e9;

/** CPU dollars (node usage reports). */
export const COST_CPU: MetricSelector = { metric: 'webrtc.cost.cpu' };
/** RAM dollars (node usage reports). */
export const COST_RAM: MetricSelector = { metric: 'webrtc.cost.ram' };
/** Egress dollars: SFU egress and TURN relay. */
export const COST_EGRESS: MetricSelector = { metric: 'webrtc.cost.egress' };
/** Storage dollars of finished recordings; never created in a deployment without a recorder. */
export const COST_STORAGE: MetricSelector = { metric: 'webrtc.cost.storage' };

/** Participant-hours on the SFUs (SFU reports). */
export const SFU_PARTICIPANT_TIME: MetricSelector = { metric: 'webrtc.sfu.participant_time' };

/** The collector's cost counters: CPU, RAM, egress (TURN included) and storage dollars. */
export const COST_COUNTERS: readonly MetricSelector[] = [COST_CPU, COST_RAM, COST_EGRESS, COST_STORAGE];

/** `server_events` columns the cost SQL reads. */
export const USAGE_COLUMNS: readonly string[] = [
  'tenant', 'ts', 'kind', 'state', 'interval_ms', 'cpu_cores', 'memory_limit_bytes', 'server_memory_usage_bytes',
  'sfu_egress_bytes', 'turn_relayed_bytes', 'recording_stored_bytes', 'sfu_participant_time_h', 'job_id', 'region',
];

/** `sumIf(expr, cond)`, 0 instead of NULL when no row matches or every value is NULL (a nullable column). */
function sumOrZero(expr: string, condition: string): string {
  return `coalesce(sumIf(${expr}, ${condition}), 0)`;
}

/**
 * Per tenant over the rule's window: `cpu`, `ram`, `egress` (SFU egress
 * plus TURN relay), `storage` dollars and `hours` of participant time on the
 * SFUs, from the usage in `server_events` and `ctx.prices`: the
 * decomposition and the sums of the collector's `GET /v1/server/cost`
 * (`collector/src/server-events/queries.ts` and `cost.ts`), where a
 * component without usage in the window is 0, never NULL. Storage bills
 * each recording job once ({@link recordingOutcomesSql}).
 */
export function costComponentsSql(ctx: SqlContext): string {
  const p = ctx.prices;
  const hourMs = MS_PER_HOUR;
  const K = SERVER_KIND;
  return `SELECT tenant, sum(cpu_part) AS cpu, sum(ram_part) AS ram, sum(egress_part) AS egress, sum(storage_part) AS storage, sum(hours_part) AS hours
FROM (
  SELECT tenant,
    ${sumOrZero('cpu_cores * interval_ms', `kind = '${K.node}'`)} / ${hourMs} * ${p.cpuHour} AS cpu_part,
    ${sumOrZero('coalesce(memory_limit_bytes, server_memory_usage_bytes) * interval_ms', `kind = '${K.node}'`)} / ${GB} / ${hourMs} * ${p.ramGbHour} AS ram_part,
    ${sumOrZero('sfu_egress_bytes', `kind = '${K.sfuEgress}'`)} / ${GB} * ${p.egressPerGb}
      + ${sumOrZero('turn_relayed_bytes', `kind = '${K.turn}'`)} / ${GB} * ${p.turnPerGb} AS egress_part,
    0 AS storage_part,
    ${sumOrZero('sfu_participant_time_h', `kind = '${K.sfu}'`)} AS hours_part
  FROM ${TABLE.serverEvents}
  WHERE ${inWindow(ctx)}
  GROUP BY tenant
  UNION ALL
  SELECT tenant, 0, 0, 0, ${sumOrZero('stored_bytes', "outcome = 'finished'")} / ${GB} * ${p.storageGbMonth} * ${p.storageRetentionMonths}, 0
  FROM (
    ${recordingOutcomesSql((column) => inWindow(ctx, column)).replace(/\n/g, '\n    ')}
  )
  GROUP BY tenant
)
GROUP BY tenant`;
}
