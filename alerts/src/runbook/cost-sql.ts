import { inWindow } from './sql.js';
import { SERVER_KIND, TABLE } from './telemetry.js';
import type { MetricSelector, SqlContext } from './types.js';

/** Bytes in a billed gigabyte (decimal, as clouds bill). */
const GB = 1e9;

/** The collector's cost counters: CPU, RAM, egress (TURN included) and storage dollars. */
export const COST_COUNTERS: readonly MetricSelector[] = [
  { metric: 'webrtc.cost.cpu' },
  { metric: 'webrtc.cost.ram' },
  { metric: 'webrtc.cost.egress' },
  { metric: 'webrtc.cost.storage' },
];

/** `server_events` columns the cost SQL reads. */
export const USAGE_COLUMNS: readonly string[] = [
  'tenant', 'ts', 'kind', 'state', 'interval_ms', 'cpu_cores', 'memory_limit_bytes', 'server_memory_usage_bytes',
  'sfu_egress_bytes', 'turn_relayed_bytes', 'recording_stored_bytes', 'sfu_participant_time_h',
];

/**
 * Per tenant over the rule's window: `cpu`, `ram`, `egress` (SFU egress
 * plus TURN relay), `storage` dollars and `hours` of participant time on the
 * SFUs, from the usage in `server_events` and `ctx.prices` (the same
 * decomposition the collector's cost counters use).
 */
export function costComponentsSql(ctx: SqlContext): string {
  const p = ctx.prices;
  const hourMs = 3_600_000;
  return `SELECT tenant,
  sumIf(cpu_cores * interval_ms, kind = '${SERVER_KIND.node}') / ${hourMs} * ${p.cpuHour} AS cpu,
  sumIf(coalesce(memory_limit_bytes, server_memory_usage_bytes) * interval_ms, kind = '${SERVER_KIND.node}') / ${GB} / ${hourMs} * ${p.ramGbHour} AS ram,
  sumIf(sfu_egress_bytes, kind = '${SERVER_KIND.sfuEgress}') / ${GB} * ${p.egressPerGb}
    + sumIf(turn_relayed_bytes, kind = '${SERVER_KIND.turn}') / ${GB} * ${p.turnPerGb} AS egress,
  sumIf(recording_stored_bytes, kind = '${SERVER_KIND.recording}' AND state = 'finished') / ${GB} * ${p.storageGbMonth} * ${p.storageRetentionMonths} AS storage,
  sumIf(sfu_participant_time_h, kind = '${SERVER_KIND.sfu}') AS hours
FROM ${TABLE.serverEvents}
WHERE ${inWindow(ctx)}
GROUP BY tenant`;
}
