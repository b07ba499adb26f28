import type { ReportBatch } from '@rtcpulse/schema';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditRecordsFromBatch } from '../audit/from-batch.js';
import type { AuditLog } from '../audit/log.js';
import type { PendingAudit } from '../audit/pending.js';
import type { AuditRecord } from '../audit/record.js';
import { exposeIngestAnswer } from '../plugins/cors.js';
import { withUserAgent } from '../ingest/client-meta.js';
import { storableBatch } from '../ingest/storable-text.js';
import { batchClockSkew, correctBatchTimestamps, type ClockSkew } from './clock-skew.js';
import { keyFromHeaders, keyFromQuery } from './credentials.js';
import type { AuthFailureRecorder } from './failures.js';
import { isOriginAllowed } from './origins.js';
import { takeOrRefuse, type RateLimiter } from './rate-limit.js';
import type { PublicKeyGrant, TenantRegistry } from './tenants.js';
import { CollectorError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The public key an ingest request was authenticated with. */
    ingestGrant?: PublicKeyGrant;
    /** The client clock offset measured on an ingest request (`received_at - sent_at`), stored with the batch. */
    clockSkew?: ClockSkew;
    /** Audit records the accepted batch carries; appended before the 202 leaves. */
    pendingAudit?: AuditRecord[];
    /** The report was accepted but its audit records could not be appended (answered 503). */
    auditFailed?: boolean;
  }
}

/** What the ingest hooks need. */
export interface IngestGuardDeps {
  readonly tenants: () => TenantRegistry;
  readonly audit: () => AuditLog;
  /** Where audit records wait when the append fails (see `PendingAudit`). */
  readonly pendingAudit: () => PendingAudit;
  readonly limiter: RateLimiter;
  readonly failures: AuthFailureRecorder;
  readonly clockSkewToleranceMs: number;
  readonly now: () => number;
}

/**
 * `onRequest` of `POST /v1/reports`, before any byte of the body is read:
 * the answer is made readable by the sending page first (see
 * `exposeIngestAnswer`: refusals too, so the SDK sees their status), then
 * the public key (`?key=`, `x-rtcpulse-key` or a bearer token) must exist
 * (401), the `Origin`, when sent, must be on its allow-list (403), and the
 * key's token bucket must have a token (429 with `Retry-After`). Refusals
 * are audited as `auth.failure`.
 */
export function ingestOnRequest(deps: IngestGuardDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    exposeIngestAnswer(reply, origin);
    const key = keyFromQuery(request.query) ?? keyFromHeaders(request.headers);
    if (!key) throw deps.failures.refuse(request, 401, 'an ingest key is required: send the public key as ?key=<key>');
    const grant = deps.tenants().publicKey(key);
    if (!grant) throw deps.failures.refuse(request, 401, 'unknown ingest key');
    if (typeof origin === 'string' && !isOriginAllowed(grant.origins, origin, request.headers.host)) {
      // The origin is the caller's text: quoted at most 256 characters long in the answer, the log and the audit row.
      const quoted = origin.length > 256 ? `${origin.slice(0, 256)}…` : origin;
      throw deps.failures.refuse(request, 403, `origin ${quoted} is not allowed for this ingest key`, {
        tenant: grant.tenant,
        keyId: grant.keyId,
      });
    }
    takeOrRefuse(deps.limiter, grant.keyId, grant.rateLimit, reply, 'ingest key');
    request.ingestGrant = grant;
  };
}

/**
 * `preHandler` of `POST /v1/reports`, after validation: the body's
 * `tenant` must be the key the request was authenticated with (403); it is
 * then replaced by the tenant id, browser and OS are filled in from the
 * `User-Agent` header where the batch has none, client timestamps are
 * corrected for clock skew, and the batch's audit events are set aside for {@link ingestOnSend}.
 */
export function ingestPreHandler(deps: IngestGuardDeps) {
  return async (request: FastifyRequest): Promise<void> => {
    const grant = request.ingestGrant;
    const batch = request.body as ReportBatch;
    if (!grant) throw new CollectorError(401, 'RTCPULSE_UNAUTHENTICATED', 'an ingest key is required');
    if (batch.tenant !== grant.keyId) {
      throw deps.failures.refuse(request, 403, 'body/tenant does not match the ingest key', { tenant: grant.tenant, keyId: grant.keyId });
    }
    const skew = batchClockSkew(batch, deps.now(), deps.clockSkewToleranceMs);
    const meta = withUserAgent(batch.meta, request.headers['user-agent']);
    // Free text as it may be stored (IP and e-mail addresses replaced), before it is spooled, stored, exported or audited.
    const stored = storableBatch({ ...correctBatchTimestamps(batch, skew), tenant: grant.tenant, meta });
    request.body = stored;
    request.clockSkew = skew;
    const origin = request.headers.origin;
    const records = auditRecordsFromBatch(stored, {
      route: 'POST /v1/reports',
      ...(typeof origin === 'string' ? { origin } : { ip: request.ip }),
    });
    if (records.length > 0) request.pendingAudit = records;
  };
}

/** `Retry-After` of a report whose audit events could not be appended. */
export const AUDIT_RETRY_AFTER_SECONDS = 5;

/**
 * `onSend` of `POST /v1/reports`: once the batch is accepted, its audit
 * records are appended before the answer leaves. When the append fails
 * (ClickHouse down: the report itself went to the spool), the records are
 * kept on disk (`PendingAudit`, fsync'd) and appended once ClickHouse is
 * back, and the answer stays 202. Only when they cannot even be kept (the
 * disk) does the answer become 503 with `Retry-After`: a 2xx would tell the
 * SDK its join or consent was kept. Its retry is recognised as a duplicate
 * report and only appends the audit records, which are written once
 * (`dedupKey`).
 */
export function ingestOnSend(deps: IngestGuardDeps) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const records = request.pendingAudit;
    if (records && reply.statusCode >= 200 && reply.statusCode < 300) {
      try {
        await deps.audit().append(records);
      } catch (error) {
        try {
          await deps.pendingAudit().keep(records);
          request.log.warn({ err: error, records: records.length }, 'audit append failed for an accepted report; the records wait on disk for ClickHouse');
          return payload;
        } catch (keepError) {
          request.log.error({ err: error, keepError, records: records.length }, 'audit append failed and the records could not be kept; answered 503 so that the report is sent again');
        }
        request.auditFailed = true;
        reply.code(503).header('retry-after', String(AUDIT_RETRY_AFTER_SECONDS));
        return JSON.stringify({
          error: 'Service Unavailable',
          message: 'The report is kept, but its audit events could not be written to the audit log; send it again later (only its audit events are then written).',
        });
      }
    }
    return payload;
  };
}
