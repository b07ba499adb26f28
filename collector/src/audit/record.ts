import { canonicalJson, type AuditOutcome, type AuditRow } from './canonical.js';
import { pseudonym } from './actor-key.js';

/** What the audit log records. Client events arrive in reports; the others the collector sees itself. */
export const AUDIT_LOG_ACTIONS = [
  'session.join',
  'session.leave',
  'recording.start',
  'recording.stop',
  'recording.access',
  'consent.granted',
  'consent.withdrawn',
  'screenshare.start',
  'screenshare.stop',
  'admin.change',
  'auth.failure',
] as const;

/** @see {@link AUDIT_LOG_ACTIONS} */
export type AuditLogAction = (typeof AUDIT_LOG_ACTIONS)[number];

/** Tenant of audit rows whose tenant is unknown (an unknown key): not a valid tenant id, so it never collides. */
export const UNKNOWN_TENANT = '_unknown';

/** Who acted, before pseudonymisation. */
export interface AuditActor {
  /** `user`: a person of the app's own system, named by a server component (`POST /v1/server/audit`). */
  readonly kind: 'participant' | 'server_key' | 'public_key' | 'user' | 'anonymous';
  /** Raw identity (participant id, key id); only its HMAC is stored. With `keyed`, already that HMAC. */
  readonly id: string;
  /** Set by {@link keyedRecord}: `id` is the pseudonym. */
  readonly keyed?: true;
}

/** One thing to audit, as a caller describes it. */
export interface AuditRecord {
  readonly tenant: string;
  readonly action: AuditLogAction;
  readonly outcome: AuditOutcome;
  /** When it happened, epoch ms; default: when appended. */
  readonly ts?: number;
  readonly actor?: AuditActor;
  /** `METHOD /route` or the component that saw it. */
  readonly route?: string;
  readonly region?: string;
  /** The request's `Origin`, else its IP address (stored as an HMAC only; `ipKey`: that HMAC, see {@link keyedRecord}). */
  readonly source?: { readonly origin?: string; readonly ip?: string; readonly ipKey?: string };
  readonly sessionId?: string;
  readonly callId?: string;
  readonly object?: string;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /** Same key, same event: appended once even when its report is replayed. */
  readonly dedupKey?: string;
}

/** Fixed facts of the collector writing the log. */
export interface AuditContext {
  readonly hmacKey: Buffer;
  readonly service: string;
  readonly region: string;
  /** This collector instance's id: the chains it appends to are its own (see `audit/writer-id.ts`). */
  readonly writer: string;
}

function sourceOf(record: AuditRecord, hmacKey: Buffer): string {
  if (record.source?.origin) return `origin:${record.source.origin.slice(0, 256)}`;
  if (record.source?.ipKey) return `ip:${record.source.ipKey}`;
  if (record.source?.ip) return `ip:${pseudonym(hmacKey, 'ip', record.source.ip).slice(0, 32)}`;
  return '';
}

/**
 * The record with its actor and source IP address already replaced by their
 * HMACs, as the row will hold them: what may be written to disk while
 * ClickHouse is down (`PendingAudit`), so that no raw address or actor id
 * lands there. Its row is the one the record itself would give.
 */
export function keyedRecord(record: AuditRecord, hmacKey: Buffer): AuditRecord {
  const { actor, source } = record;
  return {
    ...record,
    ...(actor && !actor.keyed && actor.kind !== 'anonymous' ? { actor: { kind: actor.kind, id: pseudonym(hmacKey, actor.kind, actor.id), keyed: true } } : {}),
    ...(source?.ip && !source.origin ? { source: { ipKey: pseudonym(hmacKey, 'ip', source.ip).slice(0, 32) } } : {}),
  };
}

/** The row for a record, without its place in the chain (`seq`, `prev_hash`, `hash`). */
export function rowOfRecord(
  record: AuditRecord,
  context: AuditContext,
  recordedAtMs: number,
): Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'> {
  const actor = record.actor && record.actor.kind !== 'anonymous' ? record.actor : undefined;
  return {
    tenant: record.tenant,
    writer: context.writer,
    ts_ms: Math.round(record.ts ?? recordedAtMs),
    recorded_at_ms: recordedAtMs,
    action: record.action,
    outcome: record.outcome,
    actor: actor ? (actor.keyed ? actor.id : pseudonym(context.hmacKey, actor.kind, actor.id)) : '',
    actor_kind: actor?.kind ?? 'anonymous',
    service: context.service,
    route: record.route ?? '',
    region: record.region ?? context.region,
    source: sourceOf(record, context.hmacKey),
    session_id: record.sessionId ?? '',
    call_id: record.callId ?? '',
    object: record.object ?? '',
    // Reasons may quote what a caller sent: bounded like `source`.
    reason: (record.reason ?? '').slice(0, 512),
    details: canonicalJson(record.details ?? {}),
    dedup_key: record.dedupKey ?? '',
  };
}
