import { randomUUID } from 'node:crypto';
import type { ServerAuditEvent } from '@rtcpulse/schema';
import { postToCollector, type ReporterConfig } from './post.js';

/** One row the collector appended to the tenant's audit chain. */
export interface AppendedAuditRow {
  /** Position in the chain of the collector instance that wrote it. */
  readonly seq: number;
  readonly hash: string;
  readonly action: string;
  readonly outcome: string;
  /** When it happened, epoch ms. */
  readonly ts: number;
  /** HMAC pseudonym of the actor (never the id sent). */
  readonly actor: string;
  readonly actorKind: string;
  readonly object: string;
  readonly callId: string;
  readonly sessionId: string;
}

/** The collector's answer to an audit event. */
export interface AuditResult {
  /** Rows appended: 1, or 0 when the event (same `eventId`) was already in the log. */
  readonly rows: number;
  readonly audit: readonly AppendedAuditRow[];
  /** Attempts it took. */
  readonly attempts: number;
  /** The `eventId` sent: pass it again to report the same event without a second row. */
  readonly eventId: string;
}

/**
 * Record an auditable action the collector cannot see by itself, in the
 * tenant's append-only audit log (`POST /v1/server/audit`):
 * `recording.access` (a key with the `events` scope) or `admin.change` (a
 * key with the `admin` scope; another key gets a 403 `ServerReportError`).
 * `actor` is an id of your own system; the collector keeps only its HMAC
 * pseudonym. An event without `eventId` gets a random one and one without
 * `ts` the current time, so that retries (same body) append once while two
 * calls stay two events. Retries like the report functions; resolves once
 * the row is stored.
 */
export async function reportAudit(config: ReporterConfig, event: ServerAuditEvent): Promise<AuditResult> {
  const body: ServerAuditEvent = { ...event, eventId: event.eventId ?? randomUUID(), ts: event.ts ?? Date.now() };
  const answer = await postToCollector(config, 'audit', body);
  const accepted = (answer.body as { accepted?: { rows?: number; audit?: AppendedAuditRow[] } } | null)?.accepted;
  return { rows: accepted?.rows ?? 0, audit: accepted?.audit ?? [], attempts: answer.attempts, eventId: body.eventId ?? '' };
}
