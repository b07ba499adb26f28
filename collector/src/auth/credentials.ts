import type { IncomingHttpHeaders } from 'node:http';
import type { ServerKeyGrant, ServerScope, TenantRegistry } from './tenants.js';

/** Header carrying a key when `Authorization: Bearer` is not used. */
export const KEY_HEADER = 'x-rtcpulse-key';

/** One value of a header or query parameter that may repeat; repeats must agree. */
function single(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v === value[0])) return single(value[0]);
  return undefined;
}

/** The bearer token or `x-rtcpulse-key` header of a request, if any. */
export function keyFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const authorization = single(headers.authorization);
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return single(headers[KEY_HEADER]);
}

/** The `key` query parameter (browsers: simple requests cannot set headers). */
export function keyFromQuery(query: unknown): string | undefined {
  return query && typeof query === 'object' ? single((query as Record<string, unknown>).key) : undefined;
}

/** Why a credential was refused, and the status that says so. */
export interface AuthRefusal {
  readonly ok: false;
  readonly status: 401 | 403;
  /** A message safe to return to the caller. */
  readonly reason: string;
  /** Tenant the refusal concerns, when the key was known. */
  readonly tenant?: string;
  readonly keyId?: string;
}

/** Result of {@link verifyServerKey}. */
export type ServerKeyCheck = ({ readonly ok: true } & ServerKeyGrant) | AuthRefusal;

/**
 * Check a server key from request headers (`Authorization: Bearer <key>` or
 * `x-rtcpulse-key`). With `scope`, the key must carry it (one of them, for a list); with `tenant`,
 * the key must belong to it. 401 when the key is missing or unknown, 403
 * when it is known but not allowed here. For server-event and admin routes:
 * call it from an `onRequest` hook, before the body is read.
 */
export function verifyServerKey(
  registry: TenantRegistry,
  headers: IncomingHttpHeaders,
  options: { scope?: ServerScope | readonly ServerScope[]; tenant?: string } = {},
): ServerKeyCheck {
  const secret = keyFromHeaders(headers);
  if (!secret) return { ok: false, status: 401, reason: 'a server key is required (Authorization: Bearer <key>)' };
  const grant = registry.serverKey(secret);
  if (!grant) return { ok: false, status: 401, reason: 'unknown server key' };
  const known = { tenant: grant.tenant, keyId: grant.keyId };
  const anyOf: readonly ServerScope[] = options.scope === undefined ? [] : typeof options.scope === 'string' ? [options.scope] : options.scope;
  if (anyOf.length > 0 && !anyOf.some((scope) => grant.scopes.includes(scope))) {
    const wanted = anyOf.map((scope) => `"${scope}"`).join(' or ');
    return { ok: false, status: 403, reason: `this key lacks the ${wanted} scope`, ...known };
  }
  if (options.tenant !== undefined && options.tenant !== grant.tenant) {
    return { ok: false, status: 403, reason: 'this key belongs to another tenant', ...known };
  }
  return { ok: true, ...grant };
}
