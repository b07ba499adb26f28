import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, rowHash, type AuditRow } from '../src/audit/canonical.js';
import { verifyAuditChain } from '../src/audit/verify.js';
import { WRITER_ID_FILE, checkWriterId, loadWriterId } from '../src/audit/writer-id.js';
import { batchClockSkew, correctBatchTimestamps, measureClockSkew } from '../src/auth/clock-skew.js';
import { securityFromEnv } from '../src/auth/config.js';
import { verifyServerKey } from '../src/auth/credentials.js';
import { checkUtf8 } from '../src/auth/decompress.js';
import { withServerKeys } from '../src/server-events/server-keys.js';
import { isOriginAllowed } from '../src/auth/origins.js';
import { createRateLimiter } from '../src/auth/rate-limit.js';
import { createTenantRegistry, parseTenantsConfig, sha256Hex } from '../src/auth/tenants.js';
import { T0, makeBatch } from './fixtures.js';

describe('origin allow-lists', () => {
  const list = ['https://app.example.com', 'https://*.example.org', 'self', 'localhost'];
  it.each([
    ['https://app.example.com', true],
    ['https://app.example.com:443', true],
    ['http://app.example.com', false],
    ['https://app.example.com:8443', false],
    ['https://evil-app.example.com', false],
    ['https://a.b.example.org', true],
    ['https://example.org', false],
    ['https://example.org.evil.com', false],
    ['http://localhost:5173', true],
    ['http://127.0.0.1:9', true],
    ['http://[::1]:3000', true],
    ['http://collector.internal:4318', true],
    ['null', false],
    ['https://app.example.com/path', false],
  ])('%s → %s', (origin, allowed) => {
    expect(isOriginAllowed(list, origin, 'collector.internal:4318')).toBe(allowed);
  });
});

describe('per-key token buckets', () => {
  it('allows the burst, refuses the next with a Retry-After, refills over time', () => {
    let now = 0;
    const limiter = createRateLimiter(() => now);
    const limit = { perSecond: 2, burst: 3 };
    expect([1, 2, 3].map(() => limiter.take('k', limit).ok)).toEqual([true, true, true]);
    expect(limiter.take('k', limit)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('other', limit).ok).toBe(true);
    now = 500;
    expect(limiter.take('k', limit).ok).toBe(true);
    expect(limiter.take('k', limit).ok).toBe(false);
  });
});

describe('clock skew', () => {
  it('measures receive minus send and corrects sample and event times beyond the tolerance', () => {
    const batch = makeBatch({ sentAt: T0 + 10_000 });
    const skew = measureClockSkew(batch.sentAt, T0 + 10_000 + 3_600_000);
    expect(skew).toEqual({ skewMs: 3_600_000, appliedMs: 3_600_000 });
    const corrected = correctBatchTimestamps(batch, skew);
    expect(corrected.samples[0]?.ts).toBe(T0 + 3_600_000);
    expect(corrected.events[0]?.ts).toBe((batch.events[0]?.ts ?? 0) + 3_600_000);
    expect(corrected.sentAt).toBe(batch.sentAt);
    expect(batch.samples[0]?.ts).toBe(T0);
  });

  it('leaves latency-sized offsets alone but still reports them', () => {
    const skew = measureClockSkew(T0, T0 + 350);
    expect(skew).toEqual({ skewMs: 350, appliedMs: 0 });
    const batch = makeBatch();
    expect(correctBatchTimestamps(batch, skew)).toBe(batch);
    expect(measureClockSkew(T0 + 60_000, T0)).toEqual({ skewMs: -60_000, appliedMs: -60_000 });
  });

  it('does not shift a batch whose timestamps are later than its own sentAt', () => {
    const batch = makeBatch({ sentAt: T0 + 10_000 });
    const newest = Math.max(...batch.samples.map((s) => s.ts), ...batch.events.map((e) => e.ts));
    const receivedAt = T0 + 10_000 + 3_600_000;
    expect(batchClockSkew(batch, receivedAt)).toEqual({ skewMs: 3_600_000, appliedMs: 3_600_000 });
    expect(batchClockSkew({ ...batch, sentAt: 0 }, receivedAt)).toEqual({ skewMs: receivedAt, appliedMs: 0 });
    // Within the tolerance a timestamp after sentAt is latency and rounding, not a second clock.
    expect(batchClockSkew({ ...batch, sentAt: newest - 1_999 }, receivedAt).appliedMs).toBe(receivedAt - newest + 1_999);
    expect(batchClockSkew({ ...batch, sentAt: newest - 2_001 }, receivedAt).appliedMs).toBe(0);
  });
});

describe('tenants config and server keys', () => {
  const config = parseTenantsConfig({
    tenants: [
      { id: 'acme', publicKeys: [{ key: 'pk_acme', origins: ['https://acme.test'] }], serverKeys: [{ id: 'sfu', key: 'sk_acme_0123456789abcdef', scopes: ['events'] }] },
      { id: 'beta', serverKeys: [{ id: 'ops', sha256: sha256Hex('sk_beta_0123456789abcdef'), scopes: ['read', 'admin'] }] },
    ],
  });
  const registry = createTenantRegistry(config);

  it('finds public keys and hashed server keys', () => {
    expect(registry.publicKey('pk_acme')).toMatchObject({ tenant: 'acme', origins: ['https://acme.test'] });
    expect(registry.publicKey('sk_acme_0123456789abcdef')).toBeUndefined();
    expect(registry.serverKey('sk_beta_0123456789abcdef')).toMatchObject({ tenant: 'beta', keyId: 'ops' });
  });

  it('verifies a server key by header, scope and tenant', () => {
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    expect(verifyServerKey(registry, {})).toMatchObject({ ok: false, status: 401 });
    expect(verifyServerKey(registry, bearer('nope-nope-nope-nope'))).toMatchObject({ ok: false, status: 401 });
    expect(verifyServerKey(registry, bearer('sk_acme_0123456789abcdef'), { scope: 'events' })).toMatchObject({ ok: true, tenant: 'acme' });
    expect(verifyServerKey(registry, bearer('sk_acme_0123456789abcdef'), { scope: 'read' })).toMatchObject({ ok: false, status: 403 });
    expect(verifyServerKey(registry, bearer('sk_acme_0123456789abcdef'), { scope: ['read', 'events'] })).toMatchObject({ ok: true, tenant: 'acme' });
    expect(verifyServerKey(registry, bearer('sk_acme_0123456789abcdef'), { scope: ['read', 'admin'] })).toMatchObject({
      ok: false,
      status: 403,
      reason: 'this key lacks the "read" or "admin" scope',
    });
    expect(verifyServerKey(registry, { 'x-rtcpulse-key': 'sk_beta_0123456789abcdef' }, { scope: 'read', tenant: 'acme' })).toMatchObject({
      ok: false,
      status: 403,
      reason: 'this key belongs to another tenant',
    });
  });

  it('adds tenant:key server keys to their tenants with the events scope only, named by position', () => {
    const config = withServerKeys(
      { tenants: [{ id: 'acme', publicKeys: [], serverKeys: [] }] },
      [
        { tenant: 'acme', key: 'env_acme_0123456789abcdef' },
        { tenant: 'newco', key: 'env_newco_0123456789abcdef' },
      ],
    );
    const merged = createTenantRegistry(config);
    expect(merged.serverKey('env_acme_0123456789abcdef')).toEqual({
      kind: 'server',
      tenant: 'acme',
      keyId: 'RTCPULSE_SERVER_KEYS[1]',
      scopes: ['events'],
      rateLimit: { perSecond: 200, burst: 400 },
    });
    expect(merged.serverKey('env_newco_0123456789abcdef')).toMatchObject({ tenant: 'newco', keyId: 'RTCPULSE_SERVER_KEYS[2]' });
    expect(merged.tenantIds()).toEqual(['acme', 'newco']);
    expect(verifyServerKey(merged, { authorization: 'Bearer env_acme_0123456789abcdef' }, { scope: 'read' })).toMatchObject({ ok: false, status: 403 });
    // The same key in the tenants file and in RTCPULSE_SERVER_KEYS is refused, naming the entry.
    const twice = withServerKeys(
      { tenants: [{ id: 'acme', publicKeys: [], serverKeys: [{ id: 'sfu', key: 'env_acme_0123456789abcdef', scopes: ['events'] }] }] },
      [{ tenant: 'acme', key: 'env_acme_0123456789abcdef' }],
    );
    expect(() => createTenantRegistry(twice)).toThrow(/RTCPULSE_SERVER_KEYS\[1\]" is defined twice/);
  });

  it('refuses bad configs, naming the problem', () => {
    expect(() => parseTenantsConfig({ tenants: [{ id: 'x y' }] })).toThrow(/tenants\/0\/id/);
    expect(() => createTenantRegistry({ tenants: [{ id: 'a', publicKeys: [], serverKeys: [{ id: 'k', scopes: ['read'] }] }] })).toThrow(
      /needs "key" or "sha256"/,
    );
    const twice = { key: 'same', origins: [] };
    expect(() => createTenantRegistry({ tenants: [{ id: 'a', publicKeys: [twice], serverKeys: [] }, { id: 'b', publicKeys: [twice], serverKeys: [] }] })).toThrow(
      /defined twice/,
    );
  });
});

function chain(length: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const base = {
      tenant: 't', ts_ms: T0 + seq, recorded_at_ms: T0 + seq, action: 'session.join', outcome: 'success' as const,
      actor: `actor-${seq}`, actor_kind: 'participant', service: 's', route: 'r', region: '', source: '',
      session_id: `s${seq}`, call_id: 'c', object: '', reason: '', details: '{}', dedup_key: '', prev_hash: prev,
    };
    prev = rowHash(base);
    rows.push({ ...base, writer: 'w', seq, hash: prev });
  }
  return rows;
}

describe('audit chain verification (pure)', () => {
  it('accepts an intact chain in any input order and reports its head', () => {
    const rows = chain(5);
    const result = verifyAuditChain([...rows].reverse());
    expect(result).toMatchObject({ ok: true, rows: 5, head: { seq: 5, hash: rows[4]?.hash } });
  });

  it('names a changed, a deleted and a reordered row', () => {
    const rows = chain(8);
    const changed = rows.map((r) => (r.seq === 2 ? { ...r, outcome: 'failure' as const } : r));
    expect(verifyAuditChain(changed).findings).toEqual([expect.objectContaining({ kind: 'changed', seq: 2 })]);
    const deleted = rows.filter((r) => r.seq !== 5);
    expect(verifyAuditChain(deleted).findings).toEqual([expect.objectContaining({ kind: 'deleted', missingSeqs: [5] })]);
    const swapped = rows.map((r) => (r.seq === 6 ? { ...r, seq: 7 } : r.seq === 7 ? { ...r, seq: 6 } : r));
    expect(verifyAuditChain(swapped).findings).toEqual([expect.objectContaining({ kind: 'reordered', seqs: [6, 7], chainOrder: [7, 6] })]);
    const truncated = rows.slice(0, 6);
    expect(verifyAuditChain(truncated).ok).toBe(true);
    const last = rows[7];
    expect(verifyAuditChain(truncated, last).findings).toEqual([expect.objectContaining({ kind: 'deleted', missingSeqs: [7, 8] })]);
    expect(verifyAuditChain(rows.slice(2)).findings).toEqual([expect.objectContaining({ kind: 'deleted', missingSeqs: [1, 2] })]);
    expect(verifyAuditChain(rows.slice(2), undefined, { prunedStart: true }).ok).toBe(true);
  });

  it('names a forged row with a valid hash as the inserted one, and keeps the real head', () => {
    const rows = chain(20);
    const after4 = rows[3] as AuditRow;
    const forgedBase = { ...after4, seq: 5, action: 'consent.granted', actor: 'forger', prev_hash: after4.hash };
    const forged = { ...forgedBase, hash: rowHash(forgedBase) };
    for (const input of [[...rows, forged], [forged, ...rows]]) {
      const result = verifyAuditChain(input);
      expect(result.head).toEqual({ seq: 20, hash: rows[19]?.hash });
      expect(result.findings).toEqual([expect.objectContaining({ kind: 'inserted', seq: 5, message: expect.stringContaining(forged.hash.slice(0, 12)) })]);
    }
    // Without renumbering room, a forged row at the end of a short branch is named, not the 16 rows after it.
    const early = { ...(rows[0] as AuditRow), seq: 2, actor: 'forger', prev_hash: (rows[0] as AuditRow).hash };
    const earlyForged = { ...early, hash: rowHash(early) };
    const findings = verifyAuditChain([earlyForged, ...rows]).findings;
    expect(findings.map((f) => f.kind)).toEqual(['inserted']);
  });

  it('keeps the branch that leads to the expected head at a fork, and decides a tie the same way whatever the read order', () => {
    const rows = chain(20);
    const forge = (after: AuditRow, seq: number, actor: string): AuditRow => {
      const base = { ...after, seq, actor, prev_hash: after.hash };
      return { ...base, hash: rowHash(base) };
    };
    // A forged last row: both branches one row long.
    const lastForged = forge(rows[18] as AuditRow, 20, 'forger');
    const genuineHead = { seq: 20, hash: (rows[19] as AuditRow).hash };
    for (const input of [[...rows, lastForged], [lastForged, ...rows]]) {
      const anchored = verifyAuditChain(input, genuineHead);
      expect(anchored.head).toEqual(genuineHead);
      expect(anchored.findings).toEqual([expect.objectContaining({ kind: 'inserted', message: expect.stringContaining(lastForged.hash.slice(0, 12)) })]);
    }
    expect(verifyAuditChain([...rows, lastForged]).head).toEqual(verifyAuditChain([lastForged, ...rows]).head);
    // A forged branch longer than the genuine rest: the expected head still picks the genuine one.
    const branch: AuditRow[] = [];
    for (let i = 0, after = rows[3] as AuditRow; i < 30; i++) branch.push((after = forge(after, 5 + i, `forger-${i}`)));
    expect(verifyAuditChain([...branch, ...rows], genuineHead).head).toEqual(genuineHead);
    expect(verifyAuditChain([...branch, ...rows]).head.seq).toBe(34);
  });

  it('stays bounded when a seq is rewritten to a huge number, and names the renumbered row', () => {
    const rows = chain(200);
    // Row 150 deleted, row 151 renumbered to the largest safe integer: before, a gap of 9e15 seqs was built as an array.
    const far = rows.filter((r) => r.seq !== 150).map((r) => (r.seq === 151 ? { ...r, seq: Number.MAX_SAFE_INTEGER } : r));
    const findings = verifyAuditChain(far).findings;
    const deleted = findings.find((f) => f.kind === 'deleted');
    // Judged by seq order the break sits after seq 200; the reorder finding names the renumbered row and its place.
    expect(deleted?.message).toBe(`rows seq 201 to ${Number.MAX_SAFE_INTEGER - 1} (${Number.MAX_SAFE_INTEGER - 201} rows) were deleted (between seq 200 and seq ${Number.MAX_SAFE_INTEGER})`);
    expect(findings.find((f) => f.kind === 'reordered')?.message).toMatch(
      new RegExp(`most likely renumbered: row seq ${Number.MAX_SAFE_INTEGER} sits in the chain between seq 149 and seq 152$`),
    );
    expect(deleted?.kind === 'deleted' && deleted.missingSeqs.length).toBe(1000);
    for (const f of findings) expect(f.message.length).toBeLessThan(2000);
    // One row moved far ahead (20 → 21000): the finding names it and where the chain has it, not only the 181 rows it jumped.
    const moved = rows.map((r) => (r.seq === 20 ? { ...r, seq: 21_000 } : r));
    const reordered = verifyAuditChain(moved).findings.find((f) => f.kind === 'reordered');
    expect(reordered?.message).toMatch(/ and \d+ more are out of order: .*; most likely renumbered: row seq 21000 sits in the chain between seq 19 and seq 21$/);
    expect(reordered?.message.length).toBeLessThan(2000);
  });
});

describe('UTF-8 check of streamed bodies', () => {
  const through = async (chunks: Buffer[]): Promise<string> => {
    const out: Buffer[] = [];
    for await (const chunk of checkUtf8(Readable.from(chunks))) out.push(chunk as Buffer);
    return Buffer.concat(out).toString('utf8');
  };
  const text = '{"name":"Zoë 🎥 ☎"}';
  const bytes = Buffer.from(text);

  it('passes well-formed UTF-8 whatever the chunk boundaries', async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await through([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(text);
    }
  });

  it('fails on malformed bytes and on a character cut off at the end', async () => {
    await expect(through([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])).rejects.toThrow('the body is not valid UTF-8');
    await expect(through([Buffer.from([0x7b, 0xf0, 0x9f, 0x8e])])).rejects.toThrow('the body is not valid UTF-8');
    await expect(through([Buffer.from([0xed, 0xa0, 0x80])])).rejects.toThrow('the body is not valid UTF-8');
  });
});

describe('security settings from the environment', () => {
  it('generates the audit key once, outside the data directory, readable by the owner only, and loads a tenants file', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rtcpulse-security-'));
    try {
      const first = securityFromEnv({}, { cwd });
      expect(first.options.tenants).toBeUndefined();
      expect(first.notes[1]).toMatch(/^audit HMAC key: generated a new key in .*\.data\/audit-hmac\.key; keep it apart/);
      const path = join(cwd, '.data/audit-hmac.key');
      // Written by the collector once its start has checked the audit log (see audit-key-fingerprint.test.ts).
      first.options.auditKey?.persist?.();
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const second = securityFromEnv({}, { cwd });
      expect(second.options.auditKey?.key.equals(first.options.auditKey?.key ?? Buffer.alloc(0))).toBe(true);
      expect((await readFile(path, 'utf8')).trim()).toBe(first.options.auditKey?.key.toString('hex'));
      const fromEnv = securityFromEnv({ RTCPULSE_AUDIT_HMAC_KEY: 'ab'.repeat(32), RTCPULSE_REGION: 'eu-1' }, { cwd });
      expect(fromEnv.options).toMatchObject({ region: 'eu-1', auditKey: { source: 'env', key: Buffer.alloc(32, 0xab) } });
      expect(() => securityFromEnv({ RTCPULSE_AUDIT_HMAC_KEY: 'abcd' }, { cwd })).toThrow(/at least 32 bytes/);

      await writeFile(join(cwd, 'tenants.json'), JSON.stringify({ tenants: [{ id: 'acme', publicKeys: [{ key: 'pk', origins: ['self'] }] }] }));
      const loaded = securityFromEnv({ RTCPULSE_TENANTS_FILE: 'tenants.json' }, { cwd });
      expect(loaded.options.tenants?.tenants[0]).toMatchObject({ id: 'acme', serverKeys: [] });
      await writeFile(join(cwd, 'bad.json'), JSON.stringify({ tenants: [{ id: 'acme', publicKeys: [{ key: 'pk' }] }] }));
      expect(() => securityFromEnv({}, { cwd, tenantsFile: 'bad.json' })).toThrow('tenants config: /tenants/0/publicKeys/0/origins is required');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('audit writer id', () => {
  it('is made once per spool directory and kept, unless RTCPULSE_INSTANCE_ID names one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-writer-'));
    try {
      const first = loadWriterId(join(dir, 'spool'));
      expect(first).toMatch(/^[0-9a-f]{12}$/);
      expect(loadWriterId(join(dir, 'spool'))).toBe(first);
      expect(loadWriterId(join(dir, 'other'))).not.toBe(first);
      await writeFile(join(dir, 'spool', WRITER_ID_FILE), 'not an id!\n');
      expect(() => loadWriterId(join(dir, 'spool'))).toThrow(/does not hold a writer id/);
      expect(securityFromEnv({ RTCPULSE_INSTANCE_ID: 'eu-1.collector-2', RTCPULSE_AUDIT_HMAC_KEY: 'ab'.repeat(32) }, { cwd: dir }).options.auditWriter).toBe('eu-1.collector-2');
      expect(() => checkWriterId('a:b')).toThrow(/RTCPULSE_INSTANCE_ID must be/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
