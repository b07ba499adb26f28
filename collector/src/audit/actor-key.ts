import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Where the audit HMAC key is kept when neither env nor option says: beside, not inside, the data directory. */
export const DEFAULT_AUDIT_KEY_FILE = '.data/audit-hmac.key';

/** Shortest acceptable key, in bytes. */
const MIN_KEY_BYTES = 32;

/** Where the key came from, for the start-up log line. */
export interface AuditKey {
  readonly key: Buffer;
  readonly source: 'env' | 'file' | 'generated' | 'ephemeral';
  readonly path?: string;
}

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]+$/i.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length < MIN_KEY_BYTES) throw new Error(`${where}: the audit HMAC key must be at least ${MIN_KEY_BYTES} bytes (hex or base64)`);
  return key;
}

/**
 * The secret for pseudonymous actor ids, kept apart from the data:
 * `RTCPULSE_AUDIT_HMAC_KEY` (hex or base64) when set, else the key file
 * (`RTCPULSE_AUDIT_KEY_FILE`, default {@link DEFAULT_AUDIT_KEY_FILE}),
 * which is created with a random key and mode 0600 when missing.
 */
export function loadAuditKey(
  env: Readonly<Record<string, string | undefined>>,
  options: { keyFile?: string; cwd?: string } = {},
): AuditKey {
  const fromEnv = env.RTCPULSE_AUDIT_HMAC_KEY;
  if (fromEnv) return { key: decodeKey(fromEnv, 'RTCPULSE_AUDIT_HMAC_KEY'), source: 'env' };
  const path = resolve(options.cwd ?? process.cwd(), options.keyFile ?? env.RTCPULSE_AUDIT_KEY_FILE ?? DEFAULT_AUDIT_KEY_FILE);
  if (existsSync(path)) return { key: decodeKey(readFileSync(path, 'utf8'), path), source: 'file', path };
  const key = randomBytes(MIN_KEY_BYTES);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, source: 'generated', path };
}

/** A random key that lives as long as the process (tests, or an app built without one). */
export function ephemeralAuditKey(): AuditKey {
  return { key: randomBytes(MIN_KEY_BYTES), source: 'ephemeral' };
}

/** Pseudonym of an identity: HMAC-SHA256 under the audit key, hex, with a domain prefix against cross-use. */
export function pseudonym(key: Buffer, domain: string, identity: string): string {
  return createHmac('sha256', key).update(`${domain}\0${identity}`).digest('hex');
}
