import { SAMPLE_LABELS, sampleColumns } from '@rtcpulse/schema';
import { auditLogTable } from '../audit/table.js';
import { CLIENT_META, SESSION_IDS } from './columns.js';
import type { SchemaOptions } from './config.js';
import { rollupTables, rollupViews } from './rollups.js';
import { sessionsTable } from './sessions-table.js';
import { serverEventsTable } from '../server-events/table.js';
import { LABEL, TIME, type IndexSpec, type TableSpec } from './table-spec.js';
import { clusterStatements, singleNodeStatements } from './table-sql.js';

export { DEDUP_WINDOW_BLOCKS, checkTable } from './table-spec.js';
export type { ColumnSpec, IndexSpec, TableEngine, TableSpec } from './table-spec.js';
export { addColumnsSql, addIndexesSql, createTableSql, dedupSettingSql } from './table-sql.js';
export { sessionsTable } from './sessions-table.js';

/** Partition by the collector's receive day: bounded partitions per insert whatever the client clocks say. */
const RECEIVE_DAY = 'toYYYYMMDD(received_at)';

/** A min/max index on the client timestamp, so time-range scans skip granules. */
const TS_MINMAX: IndexSpec = { name: 'ts_minmax', expression: 'ts', type: 'minmax GRANULARITY 1' };

/** One row per peer connection per sample interval; a numeric column per registry metric. */
export function samplesTable(): TableSpec {
  return {
    name: 'samples',
    columns: [
      ...SESSION_IDS,
      { name: 'pc_id', type: 'String' },
      { name: 'seq', type: 'UInt32' },
      { name: 'ts', type: TIME },
      { name: 'dur_ms', type: 'Float64' },
      { name: 'received_at', type: TIME },
      ...CLIENT_META,
      ...SAMPLE_LABELS.map((label) => ({ name: label.key, type: LABEL })),
      ...sampleColumns().map((c) => ({ name: c.column, type: 'Nullable(Float64)' })),
    ],
    partitionBy: RECEIVE_DAY,
    orderBy: ['tenant', 'session_id', 'pc_id', 'ts', 'seq'],
    ttlColumn: 'received_at',
    indexes: [TS_MINMAX],
  };
}

/** Lifecycle, state and error events; `pc_id` is empty for session-level events. */
export function eventsTable(): TableSpec {
  return {
    name: 'events',
    columns: [
      ...SESSION_IDS,
      { name: 'pc_id', type: 'String' },
      { name: 'ts', type: TIME },
      { name: 'received_at', type: TIME },
      { name: 'type', type: LABEL },
      { name: 'state', type: LABEL },
      { name: 'value', type: 'Nullable(Float64)' },
      { name: 'name', type: LABEL },
      { name: 'stage', type: LABEL },
      { name: 'message', type: 'String' },
      ...CLIENT_META,
    ],
    partitionBy: RECEIVE_DAY,
    orderBy: ['tenant', 'session_id', 'ts'],
    ttlColumn: 'received_at',
    indexes: [TS_MINMAX],
  };
}

/** One row per accepted batch: what it carried, what the SDK says it dropped, its consent state, sampling rate and clock skew. */
export function batchesTable(): TableSpec {
  return {
    name: 'batches',
    columns: [
      ...SESSION_IDS,
      { name: 'batch_seq', type: 'UInt32' },
      { name: 'sent_at', type: TIME },
      { name: 'received_at', type: TIME },
      { name: 'sample_count', type: 'UInt32' },
      { name: 'event_count', type: 'UInt32' },
      { name: 'dropped_samples', type: 'UInt32' },
      { name: 'dropped_events', type: 'UInt32' },
      { name: 'sdk_version', type: LABEL },
      /** Consent state the batch carried; '' when the SDK did not send one. */
      { name: 'consent', type: LABEL },
      /** Session sampling rate the batch carried (0..1); null when absent. */
      { name: 'sample_rate', type: 'Nullable(Float64)' },
      /** `received_at - sent_at` as the collector measured it; null when not measured. */
      { name: 'clock_skew_ms', type: 'Nullable(Int64)' },
    ],
    partitionBy: RECEIVE_DAY,
    orderBy: ['tenant', 'session_id', 'batch_seq'],
    ttlColumn: 'received_at',
  };
}

/** All tables the collector writes rows into, in creation order (rollups are created after them). */
export function tables(): readonly TableSpec[] {
  return [samplesTable(), eventsTable(), batchesTable(), sessionsTable(), serverEventsTable(), auditLogTable()];
}

/**
 * Every migration statement, in order: the tables, the rollup tables, then
 * the materialized views feeding them. Each statement is idempotent. With
 * `options.cluster` every statement runs `ON CLUSTER` and each table is a
 * replicated local table behind a `Distributed` one; without it the
 * statements are exactly the single-node ones.
 */
export function migrationStatements(options: SchemaOptions = {}): readonly string[] {
  const all = [...tables(), ...rollupTables()];
  const { cluster } = options;
  const tableStatements = cluster
    ? all.flatMap((t) => clusterStatements(t, { ...options, cluster }))
    : all.flatMap((t) => singleNodeStatements(t, options));
  return [...tableStatements, ...rollupViews().map((view) => view.createSql(options))];
}
