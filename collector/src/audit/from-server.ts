import { createHash } from 'node:crypto';
import type { RecordingEvent, ServerAuditEvent } from '@rtcpulse/schema';
import type { AuditRecord } from './record.js';

/** Where a server request came from, for the audit rows it produces. */
export interface ServerRequestSource {
  readonly tenant: string;
  /** Id of the server key that sent the request (never the secret). */
  readonly keyId: string;
  /** `METHOD /route`. */
  readonly route: string;
  readonly origin?: string;
  readonly ip?: string;
}

/** Dedup key of a server request body: a retried request (same body) yields the same key. */
export function serverBodyKey(kind: string, body: unknown): string {
  return createHash('sha256').update(JSON.stringify([kind, body])).digest('hex').slice(0, 32);
}

const sourceOf = (source: ServerRequestSource) =>
  source.origin ? { origin: source.origin } : source.ip ? { ip: source.ip } : {};

/**
 * The audit record of a recording job event: `started` → `recording.start`,
 * `finished` → `recording.stop` (success), `failed` → `recording.stop`
 * (failure, with the event's reason). The event's `sessionId` is the call or
 * room recorded, so it goes to `call_id`, where the consent check looks for
 * it; the job is the object and the server key the actor.
 */
export function auditRecordOfRecording(event: RecordingEvent, source: ServerRequestSource): AuditRecord {
  const failed = event.state === 'failed';
  return {
    tenant: source.tenant,
    action: event.state === 'started' ? 'recording.start' : 'recording.stop',
    outcome: failed ? 'failure' : 'success',
    ts: event.ts,
    actor: { kind: 'server_key', id: source.keyId },
    route: source.route,
    ...(event.region ? { region: event.region } : {}),
    source: sourceOf(source),
    callId: event.sessionId,
    object: event.jobId,
    ...(failed && event.reason ? { reason: event.reason } : {}),
    details: {
      state: event.state,
      node: event.nodeId,
      ...(event.durationMs === undefined ? {} : { duration_ms: event.durationMs }),
      ...(event.bytes === undefined ? {} : { bytes: event.bytes }),
    },
    dedupKey: serverBodyKey('recordings', event),
  };
}

/**
 * The audit record of a `POST /v1/server/audit` body. The actor the body
 * names is a person of the app's own system (kind `user`, stored as its HMAC
 * pseudonym); without one, the server key is the actor. The key that sent it
 * is kept in `details.via_key` either way. `receivedAt` stands in for a
 * missing `ts`. The dedup key is the body's `eventId` when set, else the
 * whole body.
 */
export function auditRecordOfServerEvent(event: ServerAuditEvent, source: ServerRequestSource, receivedAt: number): AuditRecord {
  return {
    tenant: source.tenant,
    action: event.action,
    outcome: event.outcome ?? 'success',
    ts: event.ts ?? receivedAt,
    actor: event.actor === undefined ? { kind: 'server_key', id: source.keyId } : { kind: 'user', id: event.actor },
    route: source.route,
    source: sourceOf(source),
    ...(event.sessionId === undefined ? {} : { sessionId: event.sessionId }),
    ...(event.callId === undefined ? {} : { callId: event.callId }),
    ...(event.object === undefined ? {} : { object: event.object }),
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    details: { via_key: source.keyId },
    dedupKey: event.eventId === undefined ? serverBodyKey('audit', event) : serverBodyKey('audit-event-id', event.eventId),
  };
}
