import type { ServerScope, TenantsConfig } from '../auth/tenants.js';

/** One server key given as `tenant:key` (`RTCPULSE_SERVER_KEYS`, or `serverEventsConfig` in code). */
export interface ServerKeyEntry {
  readonly tenant: string;
  readonly key: string;
}

/** Shortest server key accepted: 16 characters. */
export const MIN_SERVER_KEY_LENGTH = 16;

/** The scope of a `tenant:key` server key: posting server events, nothing else. */
const ENTRY_SCOPES: ServerScope[] = ['events'];

/** The id a `tenant:key` entry has in logs, rate limits and the audit log: its position, never the key. */
export const serverKeyEntryId = (index: number): string => `RTCPULSE_SERVER_KEYS[${index + 1}]`;

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
 * The tenants config with `tenant:key` entries added as server keys of
 * their tenants, scope `events` only, id {@link serverKeyEntryId} and the
 * default server-key rate limit each. A tenant the config does not have is
 * added with no public keys. The registry built from the result checks
 * them like any other server key: a key given twice is refused there.
 */
export function withServerKeys(config: TenantsConfig, entries: readonly ServerKeyEntry[]): TenantsConfig {
  if (entries.length === 0) return config;
  const tenants = config.tenants.map((t) => ({ ...t, serverKeys: [...t.serverKeys] }));
  entries.forEach((entry, index) => {
    let tenant = tenants.find((t) => t.id === entry.tenant);
    if (!tenant) tenants.push((tenant = { id: entry.tenant, publicKeys: [], serverKeys: [] }));
    tenant.serverKeys.push({ id: serverKeyEntryId(index), key: entry.key, scopes: ENTRY_SCOPES });
  });
  return { tenants };
}
