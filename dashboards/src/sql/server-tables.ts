/**
 * Tables the collector issue (#4) implies but the collector does not create
 * yet. Panels are written against these shapes; the store test runs them as
 * soon as the collector's DDL has the tables and columns, and lists them as
 * pending until then. Keep these in step with `collector/src/store/ddl.ts`.
 */

/** Server-side events from SFUs, TURN servers, recorders and the pricing config (one row per report). */
export const SERVER_EVENTS = {
  table: 'server_events',
  columns: ['tenant', 'ts', 'kind', 'layer', 'sfu_egress_bytes'],
} as const;

/** The append-only audit log with its per-tenant hash chain. */
export const AUDIT_LOG = {
  table: 'audit_log',
  columns: ['tenant', 'seq', 'ts', 'action', 'outcome', 'actor', 'source', 'session_id', 'prev_hash', 'hash'],
} as const;

/** One row per session holding its summary (replaced as it updates). */
export const SESSIONS = {
  table: 'sessions',
  columns: ['tenant', 'session_id', 'started_at', 'ended_at', 'end_reason', 'consent_state', 'browser', 'region'],
} as const;
