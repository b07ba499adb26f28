import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeyFingerprint } from '../src/audit/key-fingerprint.js';
import { securityFromEnv } from '../src/auth/config.js';
import { buildApp } from '../src/index.js';
import { removeDir, tempDataDir } from './fixtures.js';
import { testStoreConfig } from './test-store.js';

/**
 * A collector keeps appending with the audit key it started with: a start
 * with another key (the key file lost and made again) is refused, naming
 * both fingerprints, unless the change is said to be on purpose.
 */

let root: string;
let keyFile: string;
const KEY_A = 'cd'.repeat(32);

async function start(env: Record<string, string>) {
  const dataDir = join(root, 'clickhouse');
  const loaded = securityFromEnv({ RTCPULSE_AUDIT_KEY_FILE: keyFile, ...env }, { dataDir, cwd: root });
  const app = await buildApp({ store: await testStoreConfig(dataDir), security: loaded.options, ingest: { spoolDir: join(root, 'spool') } });
  await app.close();
  return loaded.options.auditKey?.key.toString('hex');
}

beforeAll(async () => {
  root = await tempDataDir();
  keyFile = join(root, 'audit-hmac.key');
  await writeFile(keyFile, `${KEY_A}\n`);
});
afterAll(async () => {
  await removeDir(root);
});

describe('the audit key fingerprint', () => {
  it('is kept at the first start and matched at the next', async () => {
    expect(await start({})).toBe(KEY_A);
    expect(await start({})).toBe(KEY_A);
  });

  it('refuses a start with another key, naming both fingerprints; accepts it once the change is said to be on purpose', async () => {
    await rm(keyFile);
    // The lost key file is made again with a new key: every actor would get a new pseudonym.
    const error = await start({}).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/is not the key this collector appended with/);
    expect(error?.message).toContain(auditKeyFingerprint(Buffer.from(KEY_A, 'hex')));
    expect(error?.message).toContain('RTCPULSE_AUDIT_KEY_CHANGED=1');
    const newKey = await start({ RTCPULSE_AUDIT_KEY_CHANGED: '1' });
    expect(newKey).not.toBe(KEY_A);
    expect(await start({})).toBe(newKey);
  });
});

describe('a key made at start over an audit log written with another key', () => {
  it('is refused and removed, unless the change is said to be on purpose', async () => {
    const dir = await tempDataDir();
    try {
      const dataDir = join(dir, 'clickhouse');
      const file = join(dir, 'audit-hmac.key');
      const open = async (env: Record<string, string>, spool: string) => {
        const loaded = securityFromEnv({ RTCPULSE_AUDIT_KEY_FILE: file, ...env }, { dataDir, cwd: dir });
        return buildApp({ store: await testStoreConfig(dataDir), security: loaded.options, ingest: { spoolDir: join(dir, spool) } });
      };
      await writeFile(file, `${KEY_A}\n`);
      const first = await open({}, 'spool-a');
      // An unknown key is refused and audited: the log now holds a row written with KEY_A.
      expect((await first.inject({ method: 'POST', url: '/v1/reports?key=nosuch-key', payload: '{}' })).statusCode).toBe(401);
      await first.audit.flush();
      await first.close();
      // The key file is gone, and this instance has no fingerprint yet (another spool directory, as after an upgrade or on a second instance).
      await rm(file);
      const error = await open({}, 'spool-b').then(
        async (app) => {
          await app.close();
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/^audit HMAC key: none was found .* but the audit log already holds rows written with another key/);
      expect(error?.message).toContain('RTCPULSE_AUDIT_KEY_CHANGED=1');
      await expect(access(file)).rejects.toThrow();
      const onPurpose = await open({ RTCPULSE_AUDIT_KEY_CHANGED: '1' }, 'spool-b');
      await onPurpose.close();
      await access(file);
    } finally {
      await removeDir(dir);
    }
  });
});
