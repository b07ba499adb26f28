import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerAuditEventSchema, type ServerAuditAction, type ServerAuditEvent } from '@rtcpulse/schema';
import { Type } from '@sinclair/typebox';
import type { AuditRow } from '../audit/canonical.js';
import { auditRecordOfServerEvent, type ServerRequestSource } from '../audit/from-server.js';
import type { ServerScope } from '../auth/tenants.js';
import { CollectorError, ErrorResponseSchema } from '../errors.js';

/** Path of the route under the server events prefix. */
export const SERVER_AUDIT_PATH = '/audit';

/** Scopes a key needs to pass the `onRequest` check of {@link SERVER_AUDIT_PATH}; the action then narrows it. */
export const SERVER_AUDIT_ANY_SCOPE: readonly ServerScope[] = ['events', 'admin'];

/** The scope each reported action needs. */
export const SERVER_AUDIT_SCOPES: Readonly<Record<ServerAuditAction, 'events' | 'admin'>> = {
  'recording.access': 'events',
  'admin.change': 'admin',
};

/** Latest instant a `DateTime64(3)` column holds. */
const MAX_STORABLE_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

/** One appended audit row, as the answer shows it. */
const AppendedRowSchema = Type.Object({
  seq: Type.Integer(),
  hash: Type.String(),
  action: Type.String(),
  outcome: Type.String(),
  ts: Type.Integer(),
  /** HMAC pseudonym of the actor. */
  actor: Type.String(),
  actorKind: Type.String(),
  object: Type.String(),
  callId: Type.String(),
  sessionId: Type.String(),
});

/** Answer of `POST /v1/server/audit`: the rows appended (none for a retry of an event already in the log). */
export const ServerAuditAcceptedSchema = Type.Object({
  accepted: Type.Object({ rows: Type.Integer(), audit: Type.Array(AppendedRowSchema) }),
});

/** The request's origin, else its address (hashed when the row is built), and the key that sent it. */
export function serverRequestSource(request: FastifyRequest): ServerRequestSource {
  const grant = request.serverGrant;
  if (!grant) throw new Error('the server key check passed without a grant');
  const origin = request.headers.origin;
  return {
    tenant: grant.tenant,
    keyId: grant.keyId,
    route: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
    ...(typeof origin === 'string' ? { origin } : { ip: request.ip }),
  };
}

const appended = (row: AuditRow) => ({
  seq: row.seq,
  hash: row.hash,
  action: row.action,
  outcome: row.outcome,
  ts: row.ts_ms,
  actor: row.actor,
  actorKind: row.actor_kind,
  object: row.object,
  callId: row.call_id,
  sessionId: row.session_id,
});

/**
 * `POST /v1/server/audit`: what a server component audits itself
 * (`recording.access` with an `events` key, `admin.change` with an `admin`
 * key), appended to the tenant's audit chain before the 202. Registered by
 * `serverEventsRoutes`, whose `onRequest` hook lets keys with either scope
 * in; the action's own scope is checked once the body is read, and a key
 * without it is refused (403, audited as `auth.failure`).
 */
export const serverAuditRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  const requireScope = { events: fastify.serverKeyHook('events'), admin: fastify.serverKeyHook('admin') };

  const schema = {
    body: ServerAuditEventSchema,
    response: { 202: ServerAuditAcceptedSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
  };
  const preHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const scope = SERVER_AUDIT_SCOPES[(request.body as ServerAuditEvent).action];
    // Checked again through the hook only when missing, so that the refusal is audited like any other.
    if (!request.serverGrant?.scopes.includes(scope)) await requireScope[scope](request, reply);
  };

  fastify.post(SERVER_AUDIT_PATH, { schema, preHandler }, async (request, reply) => {
    const event = request.body as ServerAuditEvent;
    if (event.ts !== undefined && !(event.ts <= MAX_STORABLE_MS)) {
      throw new CollectorError(400, 'RTCPULSE_TIMESTAMP_RANGE', 'body/ts must be a time between 1970 and 2299');
    }
    const rows = await fastify.audit.append([auditRecordOfServerEvent(event, serverRequestSource(request), Date.now())]);
    return reply.code(202).send({ accepted: { rows: rows.length, audit: rows.map(appended) } });
  });
};
