import { createHash, timingSafeEqual } from 'node:crypto';
import type { RateLimit } from '../auth/tenants.js';

/**
 * Who sent a server request: its tenant and, for keys of the tenants file,
 * the key's id and rate limit (keys without them share one bucket per
 * tenant at the default server-key rate).
 */
export interface ServerIdentity {
  readonly tenant: string;
  readonly keyId?: string;
  readonly rateLimit?: RateLimit;
}

/**
 * Decides which tenant a server request belongs to, from its
 * `Authorization` header, or `undefined` to refuse it. Pluggable: the
 * collector's tenancy module supplies its own (scoped, rate-limited) keys.
 */
export type ServerAuthenticator = (authorization: string | undefined) => ServerIdentity | undefined;

/** One configured server key. */
export interface ServerKeyEntry {
  readonly tenant: string;
  readonly key: string;
}

/** Shortest server key accepted: 16 characters. */
export const MIN_SERVER_KEY_LENGTH = 16;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Parse `RTCPULSE_SERVER_KEYS`: `tenant:key,tenant:key,...`. Throws on an
 * entry without a tenant, or with a key shorter than
 * {@link MIN_SERVER_KEY_LENGTH}, naming the entry's position (never the key).
 */
export function parseServerKeys(value: string | undefined): ServerKeyEntry[] {
  if (!value || value.trim() === '') return [];
  return value.split(',').map((entry, index) => {
    const colon = entry.indexOf(':');
    const tenant = colon > 0 ? entry.slice(0, colon).trim() : '';
    const key = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (!tenant) throw new Error(`RTCPULSE_SERVER_KEYS entry ${index + 1} must look like tenant:key`);
    if (key.length < MIN_SERVER_KEY_LENGTH) {
      throw new Error(`RTCPULSE_SERVER_KEYS entry ${index + 1} (tenant ${tenant}): the key must have at least ${MIN_SERVER_KEY_LENGTH} characters`);
    }
    return { tenant, key };
  });
}

/**
 * An authenticator for `Authorization: Bearer <server key>` over a fixed
 * list of keys. Keys are kept only as SHA-256 digests and compared in
 * constant time; with no keys configured every request is refused.
 */
export function createServerKeyAuthenticator(entries: readonly ServerKeyEntry[]): ServerAuthenticator {
  const known = entries.map((e) => ({ tenant: e.tenant, digest: digest(e.key) }));
  return (authorization) => {
    const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let tenant: string | undefined;
    for (const entry of known) if (timingSafeEqual(entry.digest, presented)) tenant = entry.tenant;
    return tenant ? { tenant } : undefined;
  };
}
