import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_DATA_DIR, type StoreConfig } from '../store/config.js';

/** Name of the audit HMAC key file when neither env nor option names one. */
export const AUDIT_KEY_FILE_NAME = 'audit-hmac.key';

/**
 * The default key file relative to the working directory: beside the default
 * embedded data directory (`.data/clickhouse`), and where the key was kept
 * before it followed `--data-dir`.
 */
export const DEFAULT_AUDIT_KEY_FILE = join(dirname(DEFAULT_DATA_DIR), AUDIT_KEY_FILE_NAME);

/** Shortest acceptable key, in bytes. */
const MIN_KEY_BYTES = 32;

/** Where the key came from, for the start-up log line. */
export interface AuditKey {
  readonly key: Buffer;
  readonly source: 'env' | 'file' | 'generated' | 'ephemeral';
  readonly path?: string;
  /**
   * Set when the key was read from the old default place
   * (`$PWD/.data/audit-hmac.key`) because the default place for this data
   * directory, this path, had none: move the file here.
   */
  readonly defaultPath?: string;
  /**
   * For a key made now (`generated`): writes it to `path` (mode 0600). The
   * collector calls it only once the start has checked that the audit log
   * holds no rows written with another key, so a start that fails first
   * leaves no key file behind for the next start to take as the old key.
   */
  readonly persist?: () => void;
}

/**
 * Where the key file lives when neither `RTCPULSE_AUDIT_KEY_FILE` nor an
 * option names one: beside the embedded data directory, in its parent
 * (`--data-dir /var/lib/rtcpulse/clickhouse` → `/var/lib/rtcpulse/audit-hmac.key`),
 * so that a copy of the data directory does not carry the key; for a
 * ClickHouse server, {@link DEFAULT_AUDIT_KEY_FILE} in `cwd` (beside the
 * default spool, `.data/spool`).
 */
export function defaultAuditKeyFile(store: StoreConfig | undefined, cwd: string = process.cwd()): string {
  if (store?.kind !== 'embedded') return resolve(cwd, DEFAULT_AUDIT_KEY_FILE);
  return join(dirname(store.dataDir), AUDIT_KEY_FILE_NAME);
}

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]+$/i.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length < MIN_KEY_BYTES) throw new Error(`${where}: the audit HMAC key must be at least ${MIN_KEY_BYTES} bytes (hex or base64)`);
  return key;
}

/**
 * Whether `store` is an embedded data directory that already holds a store
 * (the engine's `metadata` directory is there): one that may have been
 * written with the key at the old default place. A fresh volume's
 * `lost+found`, or any other file, does not count.
 */
function holdsStore(store: StoreConfig | undefined, cwd: string): boolean {
  return store?.kind === 'embedded' && existsSync(join(resolve(cwd, store.dataDir), 'metadata'));
}

/**
 * The secret for pseudonymous actor ids, kept apart from the data:
 * `RTCPULSE_AUDIT_HMAC_KEY` (hex or base64) when set, else the key file
 * (`options.keyFile`, else `RTCPULSE_AUDIT_KEY_FILE`, both relative to
 * `cwd`, else {@link defaultAuditKeyFile} of `options.store`); when it is
 * missing, a random key whose `persist` writes the file (mode 0600). When the default
 * file is missing, the data directory already holds a store (it has the
 * engine's `metadata` directory) and `cwd`'s `.data/audit-hmac.key` (the default before the
 * key followed the data directory) exists, that key is used, so the
 * pseudonyms already stored keep their meaning; `defaultPath` then says
 * where to move it. A new or empty data directory gets a key of its own:
 * two stores never share a pseudonym key by accident.
 */
export function loadAuditKey(
  env: Readonly<Record<string, string | undefined>>,
  options: { keyFile?: string; cwd?: string; store?: StoreConfig } = {},
): AuditKey {
  const fromEnv = env.RTCPULSE_AUDIT_HMAC_KEY;
  if (fromEnv) return { key: decodeKey(fromEnv, 'RTCPULSE_AUDIT_HMAC_KEY'), source: 'env' };
  const cwd = options.cwd ?? process.cwd();
  const configured = options.keyFile ?? env.RTCPULSE_AUDIT_KEY_FILE;
  const path = configured ? resolve(cwd, configured) : defaultAuditKeyFile(options.store, cwd);
  if (existsSync(path)) return { key: decodeKey(readFileSync(path, 'utf8'), path), source: 'file', path };
  const oldDefault = resolve(cwd, DEFAULT_AUDIT_KEY_FILE);
  if (!configured && existsSync(oldDefault) && holdsStore(options.store, cwd)) {
    return { key: decodeKey(readFileSync(oldDefault, 'utf8'), oldDefault), source: 'file', path: oldDefault, defaultPath: path };
  }
  const key = randomBytes(MIN_KEY_BYTES);
  const persist = (): void => {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new Error(`audit HMAC key: ${path} appeared while this collector started (another collector or command made it): start again to use it`);
    }
    chmodSync(path, 0o600);
  };
  return { key, source: 'generated', path, persist };
}

/** A random key that lives as long as the process (tests, or an app built without one). */
export function ephemeralAuditKey(): AuditKey {
  return { key: randomBytes(MIN_KEY_BYTES), source: 'ephemeral' };
}

/** Pseudonym of an identity: HMAC-SHA256 under the audit key, hex, with a domain prefix against cross-use. */
export function pseudonym(key: Buffer, domain: string, identity: string): string {
  return createHmac('sha256', key).update(`${domain}\0${identity}`).digest('hex');
}
