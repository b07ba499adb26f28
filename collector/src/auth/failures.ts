import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/log.js';
import { UNKNOWN_TENANT } from '../audit/record.js';
import { CollectorError } from '../errors.js';
import type { RateLimiter } from './rate-limit.js';

/**
 * Auth failures audited per second at most, per tenant (refusals of unknown
 * keys share the `_unknown` budget); the rest are counted into that tenant's
 * next row. Separate budgets keep a flood of unknown keys from hiding a
 * tenant's own refusals, and each tenant's chain counts only its own.
 */
export const AUTH_FAILURE_AUDIT_LIMIT = { perSecond: 20, burst: 100 } as const;

/** What is known about a refused credential. */
export interface KnownCredential {
  readonly tenant?: string;
  readonly keyId?: string;
  readonly keyKind?: 'public_key' | 'server_key';
}

/** Records refused requests in the audit log, bounded so that a flood cannot flood the log. */
export interface AuthFailureRecorder {
  /** Audit the refusal (in the background) and return the error to throw. */
  refuse(request: FastifyRequest, status: 401 | 403, reason: string, known?: KnownCredential): CollectorError;
}

/** Create an {@link AuthFailureRecorder} writing to `audit`. */
export function createAuthFailureRecorder(audit: () => AuditLog, limiter: RateLimiter): AuthFailureRecorder {
  // Refusals not audited since the tenant's last row; tenants are those of configured keys, plus `_unknown`.
  const suppressedOf = new Map<string, number>();
  return {
    refuse(request, status, reason, known = {}) {
      const tenant = known.tenant ?? UNKNOWN_TENANT;
      const budget = limiter.take(`\0auth-failures\0${tenant}`, AUTH_FAILURE_AUDIT_LIMIT);
      const suppressed = suppressedOf.get(tenant) ?? 0;
      if (!budget.ok) {
        suppressedOf.set(tenant, suppressed + 1);
      } else {
        const origin = request.headers.origin;
        audit().appendLater([
          {
            tenant,
            action: 'auth.failure',
            outcome: 'failure',
            ...(known.keyId ? { actor: { kind: known.keyKind ?? 'public_key', id: known.keyId } } : {}),
            route: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
            source: typeof origin === 'string' ? { origin } : { ip: request.ip },
            reason,
            details: { status, ...(suppressed > 0 ? { suppressed_before: suppressed } : {}) },
          },
        ]);
        suppressedOf.delete(tenant);
      }
      const code = status === 401 ? 'RTCPULSE_UNAUTHENTICATED' : 'RTCPULSE_FORBIDDEN';
      return new CollectorError(status, code, reason);
    },
  };
}
