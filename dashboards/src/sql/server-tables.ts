/**
 * Tables written by collector features other than the client samples and
 * events: the columns panels read from them. The store test runs each query
 * only when the collector's DDL has the tables and columns (and lists it as
 * pending otherwise). Keep these in step with `collector/src/store/ddl.ts`.
 */

/** Server-side events from SFUs, TURN servers, recorders and the pricing config (one row per report). */
export const SERVER_EVENTS = {
  table: 'server_events',
  columns: ['tenant', 'ts', 'kind', 'layer', 'sfu_egress_bytes'],
} as const;

/** The append-only audit log with its hash chains (one per tenant and collector instance). */
export const AUDIT_LOG = {
  table: 'audit_log',
  columns: ['tenant', 'writer', 'seq', 'ts', 'recorded_at', 'action', 'outcome', 'actor', 'source', 'session_id', 'prev_hash', 'hash'],
} as const;

/** One row per session holding its summary (replaced as it updates; read with `FINAL`). */
export const SESSIONS = {
  table: 'sessions',
  columns: ['tenant', 'session_id', 'first_seen', 'last_seen', 'state', 'end_reason', 'consent', 'sample_rate', 'browser', 'region'],
} as const;
