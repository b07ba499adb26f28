import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityFromEnv } from '../src/auth/config.js';
import { isOriginAllowed } from '../src/auth/origins.js';
import { originEntryProblem } from '../src/auth/tenant-entries.js';
import { createTenantRegistry, parseTenantsConfig, sha256Hex, type TenantsConfig } from '../src/auth/tenants.js';
import { storeConfigFromEnv, ttlDaysFromEnv } from '../src/store/config.js';

/**
 * Settings the collector refuses at start instead of accepting and then
 * failing quietly: origin entries no browser can match, server keys with
 * both a secret and a hash, misspelt retention variables; and where the
 * audit HMAC key lives for a given data directory.
 */

const withOrigins = (origins: string[]): TenantsConfig => ({ tenants: [{ id: 'acme', publicKeys: [{ key: 'pk_acme', origins }], serverKeys: [] }] });

describe('origin entries in the tenants file', () => {
  it.each([
    ['https://meet.acme.com/', 'is not an origin: scheme://host[:port] without a path or trailing slash ("https://meet.acme.com")'],
    ['https://meet.acme.com/path', 'is not an origin: scheme://host[:port] without a path or trailing slash ("https://meet.acme.com")'],
    ['meet.acme.com', 'is not an origin: it needs its scheme ("https://meet.acme.com")'],
    ['*.acme.com', 'is not an origin: it needs its scheme ("https://*.acme.com")'],
    ["'self'", 'is not an origin: write the keyword as "self" (lower case, no quotes)'],
    ['https://*.acme.com/', 'is not an origin: scheme://host[:port] without a path or trailing slash ("https://*.acme.com")'],
    ['https://meet.acme.com:99999', 'is not an origin: expected scheme://host[:port]'],
    ['https://meet..acme.com', 'is not an origin: expected scheme://host[:port]'],
    ['ftp://meet.acme.com', 'is not an origin: expected scheme://host[:port]'],
  ])('refuses %s at start, naming the JSON path, the entry and the expected form', (entry, problem) => {
    const config = withOrigins(['https://ok.acme.com', entry]);
    expect(() => parseTenantsConfig(config)).toThrow(`tenants config: /tenants/0/publicKeys/0/origins/1 ${JSON.stringify(entry)} ${problem}`);
    expect(() => createTenantRegistry(config)).toThrow('/tenants/0/publicKeys/0/origins/1');
  });

  it('accepts every documented form, and each accepted entry admits a real browser origin', () => {
    const cases: [entry: string, origin: string, host?: string][] = [
      ['https://meet.acme.com', 'https://meet.acme.com'],
      ['https://Meet.Acme.com:443', 'https://meet.acme.com'],
      ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
      ['http://[::1]:5173', 'http://[::1]:5173'],
      ['https://*.acme.dev', 'https://eu.app.acme.dev'],
      ['https://*.acme.dev:8443', 'https://eu.acme.dev:8443'],
      ['self', 'https://collector.acme.com', 'collector.acme.com'],
      ['localhost', 'http://localhost:3000'],
      ['*', 'https://anything.example'],
    ];
    expect(() => parseTenantsConfig(withOrigins(cases.map(([entry]) => entry)))).not.toThrow();
    for (const [entry, origin, host] of cases) {
      expect(originEntryProblem(entry), entry).toBeUndefined();
      expect(isOriginAllowed([entry], origin, host), entry).toBe(true);
    }
  });
});

describe('server keys in the tenants file', () => {
  const secret = 'sk_live_at_least_16_chars';
  const serverKey = (fields: { key?: string; sha256?: string }): TenantsConfig => ({
    tenants: [{ id: 'acme', publicKeys: [], serverKeys: [{ id: 'grafana', scopes: ['read'], ...fields }] }],
  });

  it('refuses a key with both "key" and "sha256" (the secret would silently stop working)', () => {
    const both = serverKey({ key: secret, sha256: sha256Hex('another secret entirely') });
    const message = 'tenants config: /tenants/0/serverKeys/0 (server key "grafana" of "acme") has both "key" and "sha256": give exactly one';
    expect(() => parseTenantsConfig(both)).toThrow(message);
    expect(() => createTenantRegistry(both)).toThrow(message);
    expect(() => parseTenantsConfig(serverKey({}))).toThrow('/tenants/0/serverKeys/0 (server key "grafana" of "acme") needs "key" or "sha256"');
  });

  it('accepts exactly one of them, and the secret is found either way', () => {
    for (const fields of [{ key: secret }, { sha256: sha256Hex(secret) }]) {
      expect(createTenantRegistry(serverKey(fields)).serverKey(secret)).toMatchObject({ tenant: 'acme', keyId: 'grafana' });
    }
  });
});

describe('RTCPULSE_TTL_DAYS_<TABLE>', () => {
  it('refuses a variable naming no table with retention, naming it and listing the valid ones', () => {
    for (const env of [{ RTCPULSE_TTL_DAYS_SAMPLE: '30' }, { RTCPULSE_TTL_DAYS_AUDIT: '400' }]) {
      const [name] = Object.keys(env);
      expect(() => ttlDaysFromEnv(env)).toThrow(`${name ?? ''} names no table with retention; the valid variables are RTCPULSE_TTL_DAYS_SAMPLES, `);
      expect(() => storeConfigFromEnv(env, { cwd: '/srv' })).toThrow(name);
    }
    expect(() => ttlDaysFromEnv({ RTCPULSE_TTL_DAYS_SAMPLE: '30' })).toThrow(/RTCPULSE_TTL_DAYS_AUDIT_LOG, .*RTCPULSE_TTL_DAYS_QUALITY_STREAM_1M$/);
  });

  it('still takes every table that has retention, in any case, and ignores empty values', () => {
    const env = {
      RTCPULSE_TTL_DAYS_SAMPLES: '30',
      RTCPULSE_TTL_DAYS_EVENTS: '30',
      RTCPULSE_TTL_DAYS_BATCHES: '30',
      RTCPULSE_TTL_DAYS_SESSIONS: '90',
      RTCPULSE_TTL_DAYS_SERVER_EVENTS: '60',
      RTCPULSE_TTL_DAYS_AUDIT_LOG: '400',
      RTCPULSE_TTL_DAYS_quality_conn_1m: '400',
      RTCPULSE_TTL_DAYS_QUALITY_STREAM_1M: '400',
      RTCPULSE_TTL_DAYS_TYPO: '',
    };
    expect(ttlDaysFromEnv(env)).toEqual({
      samples: 30,
      events: 30,
      batches: 30,
      sessions: 90,
      server_events: 60,
      audit_log: 400,
      quality_conn_1m: 400,
      quality_stream_1m: 400,
    });
  });
});

describe('the audit HMAC key file', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'rtcpulse-keyfile-'));
  });
  afterAll(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });
  const keyOf = (loaded: ReturnType<typeof securityFromEnv>): string => loaded.options.auditKey?.key.toString('hex') ?? '';

  it('sits beside the data directory given with --data-dir, not in the working directory', async () => {
    const first = securityFromEnv({}, { cwd, dataDir: 'srv/rtcpulse/clickhouse' });
    const path = join(cwd, 'srv/rtcpulse/audit-hmac.key');
    expect(first.notes[1]).toBe(`audit HMAC key: generated a new key in ${path}; keep it apart from the data and back it up`);
    first.options.auditKey?.persist?.(); // as the collector does once its start has checked the audit log
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(stat(join(cwd, '.data'))).rejects.toThrow(/ENOENT/);
    const again = securityFromEnv({}, { cwd: join(cwd, 'srv'), dataDir: join(cwd, 'srv/rtcpulse/clickhouse') });
    expect(again.notes[1]).toBe(`audit HMAC key: from ${path}`);
    expect(keyOf(again)).toBe(keyOf(first));
  });

  it('keeps the file it always used without --data-dir (.data/audit-hmac.key), and an explicit file or key wins', async () => {
    const dir = join(cwd, 'default-layout');
    await mkdir(join(dir, '.data'), { recursive: true });
    await writeFile(join(dir, '.data/audit-hmac.key'), `${'cd'.repeat(32)}\n`);
    const loaded = securityFromEnv({}, { cwd: dir });
    expect(loaded.notes[1]).toBe(`audit HMAC key: from ${join(dir, '.data/audit-hmac.key')}`);
    expect(keyOf(loaded)).toBe('cd'.repeat(32));
    await writeFile(join(dir, 'elsewhere.key'), `${'ef'.repeat(32)}\n`);
    expect(keyOf(securityFromEnv({ RTCPULSE_AUDIT_KEY_FILE: 'elsewhere.key' }, { cwd: dir, dataDir: 'other/clickhouse' }))).toBe('ef'.repeat(32));
    expect(keyOf(securityFromEnv({ RTCPULSE_AUDIT_HMAC_KEY: '01'.repeat(32) }, { cwd: dir, dataDir: 'other/clickhouse' }))).toBe('01'.repeat(32));
    // With a ClickHouse server there is no local data directory: the key stays where the spool is, under .data.
    expect(keyOf(securityFromEnv({ CLICKHOUSE_URL: 'http://127.0.0.1:8123' }, { cwd: dir }))).toBe('cd'.repeat(32));
  });

  it('still uses a key at the old default place when --data-dir has none beside it, and says where it belongs', async () => {
    const dir = join(cwd, 'upgraded');
    await mkdir(join(dir, '.data'), { recursive: true });
    await writeFile(join(dir, '.data/audit-hmac.key'), `${'ab'.repeat(32)}\n`);
    // A store written before the key moved: the data directory holds the engine's metadata directory.
    await mkdir(join(dir, 'var/clickhouse/metadata'), { recursive: true });
    const loaded = securityFromEnv({}, { cwd: dir, dataDir: 'var/clickhouse' });
    expect(keyOf(loaded)).toBe('ab'.repeat(32));
    expect(loaded.notes[1]).toBe(
      `audit HMAC key: from ${join(dir, '.data/audit-hmac.key')}, where it was kept before the key followed the data directory; ` +
        `move it to ${join(dir, 'var/audit-hmac.key')}, or set RTCPULSE_AUDIT_KEY_FILE to keep it where it is`,
    );
    await expect(readFile(join(dir, 'var/audit-hmac.key'))).rejects.toThrow(/ENOENT/);
  });
});
