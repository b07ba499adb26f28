import { METRICS, isServerMetric, type MetricDefinition } from '@rtcpulse/schema';
import type { ColumnSpec, TableSpec } from '../store/table-spec.js';

const TIME = "DateTime64(3, 'UTC')";
const LABEL = 'LowCardinality(String)';
const VALUE = 'Nullable(Float64)';

/** What a `server_events` row describes. */
export type ServerEventKind = 'sfu' | 'sfu.egress' | 'sfu.forwarded' | 'turn' | 'recording' | 'node';

/**
 * Server metrics stored as columns: every server metric of the registry
 * except the cost ones, which are computed at query time from the usage
 * columns and the current pricing.
 */
export function serverValueColumns(): readonly string[] {
  const registry: readonly MetricDefinition[] = METRICS;
  return registry.filter((m) => isServerMetric(m) && m.source !== 'cost').map((m) => m.key);
}

/**
 * `server_events`: what SFUs, TURN servers and recorders report, one row
 * per report part (`kind`): an SFU report gives one `sfu` row, one
 * `sfu.forwarded` row per kind and layer, one `sfu.egress` row per
 * receiver, kind and layer, and a `node` row when it carries CPU and memory.
 * The tenant comes from the server key.
 */
export function serverEventsTable(): TableSpec {
  const columns: ColumnSpec[] = [
    { name: 'tenant', type: LABEL },
    { name: 'kind', type: LABEL },
    { name: 'service', type: LABEL },
    { name: 'node_id', type: 'String' },
    { name: 'region', type: LABEL },
    { name: 'ts', type: TIME },
    { name: 'received_at', type: TIME },
    { name: 'interval_ms', type: 'Float64' },
    { name: 'session_id', type: 'String' },
    { name: 'receiver_id', type: 'String' },
    { name: 'media_kind', type: LABEL },
    { name: 'layer', type: LABEL },
    { name: 'job_id', type: 'String' },
    { name: 'state', type: LABEL },
    { name: 'reason', type: LABEL },
    { name: 'cpu_cores', type: VALUE },
    { name: 'memory_limit_bytes', type: VALUE },
    ...serverValueColumns().map((name) => ({ name, type: VALUE })),
  ];
  return {
    name: 'server_events',
    columns,
    partitionBy: 'toYYYYMMDD(received_at)',
    orderBy: ['tenant', 'kind', 'ts', 'node_id'],
    ttlColumn: 'received_at',
  };
}
