import { createHash } from 'node:crypto';

/** `prev_hash` of the first row of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Whether an audited action succeeded. */
export type AuditOutcome = 'success' | 'failure';

/** One stored audit row, times as epoch milliseconds. */
export interface AuditRow {
  tenant: string;
  /**
   * The collector instance that appended the row: each writes its own chain
   * per tenant ('' for rows written before chains were kept per writer).
   * Not hashed: a row moved to another writer's chain breaks both chains.
   */
  writer: string;
  /** Position in its chain (tenant and writer), from 1. Not hashed: the chain itself defines the order. */
  seq: number;
  /** When the action happened (client events: on the collector's clock after skew correction). */
  ts_ms: number;
  /** When the collector appended the row. */
  recorded_at_ms: number;
  action: string;
  outcome: AuditOutcome;
  /** HMAC-SHA256 pseudonym of who acted, or '' when unknown. */
  actor: string;
  /** `participant`, `server_key`, `public_key` or `anonymous`. */
  actor_kind: string;
  service: string;
  route: string;
  region: string;
  /** `origin:<origin>` or `ip:<hmac>`; never a raw address. */
  source: string;
  session_id: string;
  call_id: string;
  /** What the action was done to (a recording, a key id, ...). */
  object: string;
  /** Why it failed, for failures. */
  reason: string;
  /** Canonical JSON object with extra facts. */
  details: string;
  /** Identifies the source event, so that a replayed report is audited once. */
  dedup_key: string;
  prev_hash: string;
  hash: string;
}

/** The hashed fields, in their fixed order. `writer`, `seq` and `hash` are not among them. */
export const HASHED_FIELDS = [
  'tenant',
  'ts_ms',
  'recorded_at_ms',
  'action',
  'outcome',
  'actor',
  'actor_kind',
  'service',
  'route',
  'region',
  'source',
  'session_id',
  'call_id',
  'object',
  'reason',
  'details',
  'dedup_key',
] as const satisfies readonly (keyof AuditRow)[];

/**
 * The canonical text of a row: a JSON array of the hashed fields in
 * {@link HASHED_FIELDS} order (times as integers).
 */
export function canonicalRow(row: Omit<AuditRow, 'writer' | 'seq' | 'hash' | 'prev_hash'>): string {
  return JSON.stringify(HASHED_FIELDS.map((field) => row[field]));
}

/** `hash` of a row: SHA-256 in hex over `prev_hash`, a newline and the canonical row. */
export function rowHash(row: Omit<AuditRow, 'writer' | 'seq' | 'hash'>): string {
  return createHash('sha256').update(`${row.prev_hash}\n${canonicalRow(row)}`).digest('hex');
}

/** JSON with object keys sorted, so equal details always hash the same. */
export function canonicalJson(value: Readonly<Record<string, string | number | boolean>>): string {
  const sorted: Record<string, string | number | boolean> = {};
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if (v !== undefined) sorted[key] = v;
  }
  return JSON.stringify(sorted);
}
