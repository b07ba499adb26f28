import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyServerKey } from './credentials.js';
import type { AuthFailureRecorder } from './failures.js';
import { takeOrRefuse, type RateLimiter } from './rate-limit.js';
import type { ServerKeyGrant, ServerScope, TenantRegistry } from './tenants.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The server key a request was authenticated with. */
    serverGrant?: ServerKeyGrant;
  }
}

/** The tenant a request names (for example its `tenant` query parameter), checked against the key's. */
export type TenantOfRequest = (request: FastifyRequest) => string | undefined;

/** What the server-key hook needs. */
export interface ServerGuardDeps {
  readonly tenants: () => TenantRegistry;
  readonly limiter: RateLimiter;
  readonly failures: AuthFailureRecorder;
}

/**
 * An `onRequest` hook for server routes: a server key with `scope` (or
 * one of a list of scopes; `Authorization: Bearer <key>`) is required before the body is read;
 * refusals are 401/403 and audited, over-limit keys get 429 with
 * `Retry-After`; a 401 carries `WWW-Authenticate: Bearer`. With `tenantOf`, a request naming another tenant than
 * the key's is refused with 403 (and audited). The grant is left on `request.serverGrant`; routes scope
 * every read and write to `request.serverGrant.tenant`.
 */
export function requireServerKey(deps: ServerGuardDeps, scope: ServerScope | readonly ServerScope[], tenantOf?: TenantOfRequest) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const tenant = tenantOf?.(request);
    const check = verifyServerKey(deps.tenants(), request.headers, { scope, ...(tenant === undefined ? {} : { tenant }) });
    if (!check.ok) {
      if (check.status === 401) void reply.header('www-authenticate', 'Bearer realm="rtcpulse"');
      throw deps.failures.refuse(request, check.status, check.reason, {
        ...(check.tenant ? { tenant: check.tenant } : {}),
        ...(check.keyId ? { keyId: check.keyId } : {}),
        keyKind: 'server_key',
      });
    }
    takeOrRefuse(deps.limiter, `server:${check.keyId}:${check.tenant}`, check.rateLimit, reply, 'server key');
    const { ok: _ok, ...grant } = check;
    request.serverGrant = grant;
  };
}
