import type { FastifyRequest } from 'fastify';
import { CollectorError } from '../errors.js';

/** The raw `tenant` query parameter of a read route, handed to the server-key hook before validation. */
export function tenantParameter(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.tenant === 'string' ? query.tenant : undefined;
}

/** 403 unless `tenant` is the tenant of the request's server key: no read crosses tenants. */
export function requireKeyTenant(request: FastifyRequest, tenant: string): void {
  if (tenant !== request.serverGrant?.tenant) throw new CollectorError(403, 'RTCPULSE_FORBIDDEN', 'this key belongs to another tenant');
}
