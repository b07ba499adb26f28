import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityFromEnv } from '../src/auth/config.js';

const OLD_KEY = 'ab'.repeat(32);

describe('the audit HMAC key of a data directory, with a key left at the old default place', () => {
  let root: string;
  /** A working directory holding `.data/audit-hmac.key`, as a checkout that ran the collector before. */
  let cwd: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rtcpulse-keyplace-'));
    cwd = join(root, 'checkout');
    await mkdir(join(cwd, '.data'), { recursive: true });
    await writeFile(join(cwd, '.data/audit-hmac.key'), `${OLD_KEY}\n`);
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });
  const keyOf = (loaded: ReturnType<typeof securityFromEnv>): string => loaded.options.auditKey?.key.toString('hex') ?? '';
  const generated = (path: string) => `audit HMAC key: generated a new key in ${path}; keep it apart from the data and back it up`;

  it('gives a brand-new data directory (--data-dir /elsewhere/fresh/data) a new key beside it', async () => {
    const dataDir = join(root, 'fresh/data');
    const loaded = securityFromEnv({}, { cwd, dataDir });
    const path = join(root, 'fresh/audit-hmac.key');
    expect(loaded.notes[1]).toBe(generated(path));
    expect(keyOf(loaded)).not.toBe(OLD_KEY);
    // Not written yet: a start that fails before its audit checks must leave no key to be taken for the old one.
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
    // The collector writes it once the start has checked the audit log.
    loaded.options.auditKey?.persist?.();
    expect((await readFile(path, 'utf8')).trim()).toBe(keyOf(loaded));
    // Kept: the next start of the same directory reads it back.
    const again = securityFromEnv({}, { cwd, dataDir });
    expect(again.notes[1]).toBe(`audit HMAC key: from ${path}`);
    expect(keyOf(again)).toBe(keyOf(loaded));
  });

  it('gives an empty data directory a new key too', async () => {
    await mkdir(join(cwd, 'empty/clickhouse'), { recursive: true });
    const loaded = securityFromEnv({}, { cwd, dataDir: 'empty/clickhouse' });
    expect(loaded.notes[1]).toBe(generated(join(cwd, 'empty/audit-hmac.key')));
    expect(keyOf(loaded)).not.toBe(OLD_KEY);
  });

  it('gives a fresh volume (only lost+found in it) a new key: it holds no store', async () => {
    await mkdir(join(cwd, 'volume/clickhouse/lost+found'), { recursive: true });
    const loaded = securityFromEnv({}, { cwd, dataDir: 'volume/clickhouse' });
    expect(loaded.notes[1]).toBe(generated(join(cwd, 'volume/audit-hmac.key')));
    expect(keyOf(loaded)).not.toBe(OLD_KEY);
  });

  it('keeps the old key for a data directory that already holds a store and has no key beside it', async () => {
    await mkdir(join(cwd, 'existing/clickhouse/metadata'), { recursive: true });
    const loaded = securityFromEnv({}, { cwd, dataDir: 'existing/clickhouse' });
    expect(keyOf(loaded)).toBe(OLD_KEY);
    expect(loaded.notes[1]).toBe(
      `audit HMAC key: from ${join(cwd, '.data/audit-hmac.key')}, where it was kept before the key followed the data directory; ` +
        `move it to ${join(cwd, 'existing/audit-hmac.key')}, or set RTCPULSE_AUDIT_KEY_FILE to keep it where it is`,
    );
    await expect(readFile(join(cwd, 'existing/audit-hmac.key'))).rejects.toThrow(/ENOENT/);
  });
});
