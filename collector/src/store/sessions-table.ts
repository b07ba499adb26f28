import { CLIENT_META, SESSION_IDS } from './columns.js';
import { LABEL, TIME, type ColumnSpec, type TableSpec } from './table-spec.js';

/**
 * A quality figure kept per session: the mean and the worst value over
 * every sample of the session, read from one or more `samples` columns
 * (several columns are pooled, for example audio and video inbound loss).
 * `worst` is the maximum unless `lowerIsWorse`.
 */
export interface SessionFigure {
  readonly name: string;
  readonly columns: readonly string[];
  readonly lowerIsWorse?: boolean;
}

/** The per-session quality figures; every column is a `samples` column (a test keeps them in the registry). */
export const SESSION_FIGURES: readonly SessionFigure[] = [
  { name: 'rtt_ms', columns: ['rtt_ms'] },
  { name: 'inbound_loss_pct', columns: ['audio_in_packet_loss_pct', 'video_in_packet_loss_pct'] },
  { name: 'outbound_loss_pct', columns: ['audio_out_packet_loss_pct', 'video_out_packet_loss_pct'] },
  { name: 'audio_jitter_ms', columns: ['audio_in_jitter_ms'] },
  { name: 'audio_concealment_pct', columns: ['audio_in_concealment_pct'] },
  { name: 'video_freeze_time_pct', columns: ['video_in_freeze_time_pct'] },
  { name: 'video_frame_height_px', columns: ['video_in_frame_height_px'], lowerIsWorse: true },
  { name: 'video_quality_limited_pct', columns: ['video_out_quality_limited_pct'] },
];

/** Counted totals per session, each the sum of a `samples` column. */
export const SESSION_TOTALS: readonly SessionFigure[] = [
  { name: 'video_freeze_count', columns: ['video_in_freeze_count'] },
  { name: 'bytes_sent', columns: ['bytes_sent'] },
  { name: 'bytes_received', columns: ['bytes_received'] },
];

const COUNT = 'UInt32';

function figureColumns(): ColumnSpec[] {
  return SESSION_FIGURES.flatMap((f) => [
    { name: `${f.name}_avg`, type: 'Nullable(Float64)' },
    { name: `${f.name}_worst`, type: 'Nullable(Float64)' },
    { name: `${f.name}_n`, type: COUNT },
  ]);
}

/**
 * One row per session holding its summary, replaced as the session
 * progresses: `ReplacingMergeTree(version)` keyed by tenant and session keeps
 * the highest version. Read it with `FINAL` (or `argMax(..., version)`).
 * Partitioned by the month the collector first saw the session, which never
 * changes, so every version of a session lands in the same partition.
 * `consent` is the state carried by the highest-`batchSeq` batch that sent
 * one (`unknown` until then; `consent_batch_seq` is that batch), so a late
 * retry of an older batch never overrides a newer withdrawal; `sample_rate`
 * is the latest rate sent (null until one is).
 */
export function sessionsTable(): TableSpec {
  return {
    name: 'sessions',
    columns: [
      ...SESSION_IDS,
      { name: 'version', type: 'UInt64' },
      { name: 'state', type: LABEL },
      { name: 'end_reason', type: LABEL },
      { name: 'first_seen', type: TIME },
      { name: 'last_seen', type: TIME },
      { name: 'first_received_at', type: TIME },
      { name: 'last_received_at', type: TIME },
      ...CLIENT_META,
      { name: 'pc_count', type: COUNT },
      { name: 'pc_ids', type: 'Array(String)' },
      { name: 'sample_count', type: COUNT },
      { name: 'event_count', type: COUNT },
      { name: 'error_count', type: COUNT },
      { name: 'batch_count', type: COUNT },
      { name: 'dropped_samples', type: COUNT },
      { name: 'dropped_events', type: COUNT },
      { name: 'consent', type: LABEL },
      { name: 'consent_batch_seq', type: COUNT },
      { name: 'sample_rate', type: 'Nullable(Float64)' },
      ...figureColumns(),
      ...SESSION_TOTALS.map((t) => ({ name: t.name, type: 'Float64' })),
    ],
    engine: { kind: 'ReplacingMergeTree', version: 'version' },
    partitionBy: 'toYYYYMM(first_received_at)',
    orderBy: ['tenant', 'session_id'],
    ttlColumn: 'last_received_at',
  };
}
