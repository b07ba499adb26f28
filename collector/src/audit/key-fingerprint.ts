import { createHmac } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../ingest/fsync-dir.js';
import type { AuditKey } from './actor-key.js';

/** File, in the collector's spool directory beside its writer id, that keeps the fingerprint of the audit key it appends with. */
export const KEY_FINGERPRINT_FILE = 'audit-key-fingerprint';

/** A short, one-way fingerprint of an audit HMAC key: tells keys apart, reveals nothing of them. */
export function auditKeyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('rtcpulse audit key fingerprint').digest('hex').slice(0, 16);
}

/** What {@link checkAuditKeyFingerprint} found. */
export type FingerprintCheck = 'recorded' | 'same' | 'changed-on-purpose';

/**
 * Make sure this instance keeps appending with the key it started with: the
 * key's fingerprint is kept in `dir` (the instance's spool directory) on
 * first use; a later start with another key (a lost key file made again, a
 * key read from another store's place) is refused, naming both
 * fingerprints, because every actor would silently get a new pseudonym.
 * With `allowChange` (`RTCPULSE_AUDIT_KEY_CHANGED=1`: a rotation on
 * purpose) the new fingerprint is kept instead. A key made up for the
 * process alone (`ephemeral`) is not checked.
 */
export async function checkAuditKeyFingerprint(dir: string, auditKey: AuditKey, allowChange = false): Promise<FingerprintCheck | undefined> {
  if (auditKey.source === 'ephemeral') return undefined;
  const path = join(dir, KEY_FINGERPRINT_FILE);
  const current = auditKeyFingerprint(auditKey.key);
  let kept: string | undefined;
  try {
    kept = (await readFile(path, 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (kept === current) return 'same';
  if (kept !== undefined && !allowChange) {
    const from = auditKey.source === 'env' ? 'RTCPULSE_AUDIT_HMAC_KEY' : (auditKey.path ?? 'the key file');
    throw new Error(
      `the audit HMAC key from ${from} (fingerprint ${current}) is not the key this collector appended with (fingerprint ${kept}, in ${path}): ` +
        'every actor would get a new pseudonym. Give it the key it used (RTCPULSE_AUDIT_KEY_FILE or RTCPULSE_AUDIT_HMAC_KEY), ' +
        'or set RTCPULSE_AUDIT_KEY_CHANGED=1 once to start using this key on purpose.',
    );
  }
  // Written aside, then renamed over: a crash leaves the old fingerprint or the new one, never half of one.
  await mkdir(dir, { recursive: true });
  await writeFile(`${path}.tmp`, `${current}\n`, { flush: true });
  await rename(`${path}.tmp`, path);
  await fsyncDir(dir);
  return kept === undefined ? 'recorded' : 'changed-on-purpose';
}

/**
 * Refuse a key this start has just generated (none was found) when the
 * audit log already holds rows: they were written with a key this start did
 * not find (a store from before the key followed the data directory, started
 * from another directory; a second instance without the shared key), and
 * every actor would get a new pseudonym. The new key is not written (see
 * `AuditKey.persist`), so the next start looks for the old one again.
 * `allowChange` (`RTCPULSE_AUDIT_KEY_CHANGED=1`) starts the new key on purpose.
 */
export async function refuseNewKeyOverWrittenLog(auditKey: AuditKey, logHasRows: () => Promise<boolean>, allowChange = false): Promise<void> {
  if (auditKey.source !== 'generated' || allowChange || !(await logHasRows())) return;
  throw new Error(
    `audit HMAC key: none was found (at ${auditKey.path ?? 'the default place'}), but the audit log already holds rows written with another key: ` +
      'every actor would get a new pseudonym. Point RTCPULSE_AUDIT_KEY_FILE (or RTCPULSE_AUDIT_HMAC_KEY) at the key those rows were written with, ' +
      'or set RTCPULSE_AUDIT_KEY_CHANGED=1 once to start a new key on purpose.',
  );
}
