import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describeValueError } from '../validation.js';
import { checkTenantEntries } from './tenant-entries.js';

/** Requests per second and burst size of one key's token bucket. */
export const RateLimitSchema = Type.Object(
  {
    perSecond: Type.Number({ exclusiveMinimum: 0, maximum: 1e6 }),
    burst: Type.Integer({ minimum: 1, maximum: 1e7 }),
  },
  { additionalProperties: false },
);

/** What a server key may do. `events`: server-side events; `read`: read routes; `admin`: admin changes. */
export const SERVER_SCOPES = ['events', 'read', 'admin'] as const;
/** @see {@link SERVER_SCOPES} */
export type ServerScope = (typeof SERVER_SCOPES)[number];

const PublicKeySchema = Type.Object(
  {
    /** The key itself: it is public (it ships in web pages), so it is stored as is. */
    key: Type.String({ minLength: 1, maxLength: 128 }),
    /** Origins that may use the key: `https://app.example.com`, `https://*.example.com`, `self`, `localhost`, `*` (checked by `checkTenantEntries`). */
    origins: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 1000 }),
    rateLimit: Type.Optional(RateLimitSchema),
  },
  { additionalProperties: false },
);

const ServerKeySchema = Type.Object(
  {
    /** Name of the key in logs and the audit log (never the secret). */
    id: Type.String({ minLength: 1, maxLength: 64 }),
    /** The secret, or instead `sha256`: its SHA-256 in hex, so the file holds no secret (exactly one of the two). */
    key: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    scopes: Type.Array(Type.Union(SERVER_SCOPES.map((s) => Type.Literal(s))), { minItems: 1 }),
    rateLimit: Type.Optional(RateLimitSchema),
  },
  { additionalProperties: false },
);

const TenantSchema = Type.Object(
  {
    /** Tenant id: the `tenant` column of every stored row. */
    id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    publicKeys: Type.Array(PublicKeySchema, { default: [] }),
    serverKeys: Type.Array(ServerKeySchema, { default: [] }),
  },
  { additionalProperties: false },
);

/** The tenants file (`RTCPULSE_TENANTS_FILE` or `--tenants-file`). */
export const TenantsFileSchema = Type.Object(
  { tenants: Type.Array(TenantSchema, { minItems: 1 }) },
  { additionalProperties: false },
);

/** @see {@link TenantsFileSchema} */
export type TenantsConfig = Static<typeof TenantsFileSchema>;
/** @see {@link RateLimitSchema} */
export type RateLimit = Static<typeof RateLimitSchema>;

/** Default limit of a public (browser) key: shared by every browser of a tenant. */
export const DEFAULT_PUBLIC_RATE_LIMIT: RateLimit = { perSecond: 2000, burst: 4000 };
/** Default limit of a server key. */
export const DEFAULT_SERVER_RATE_LIMIT: RateLimit = { perSecond: 200, burst: 400 };

/**
 * Zero-config tenants for the demo: tenant `demo` whose public key is `demo`,
 * usable from the collector's own origin and from localhost pages. It has no
 * server key, so nothing can be read back without a tenants file or
 * {@link demoTenantsWithReadKey}.
 */
export const DEMO_TENANTS: TenantsConfig = {
  tenants: [{ id: 'demo', publicKeys: [{ key: 'demo', origins: ['self', 'localhost'] }], serverKeys: [] }],
};

/**
 * {@link DEMO_TENANTS} plus one server key `demo-read` of scope `read` with
 * the secret `key`: what the server gives the zero-config demo tenant, with
 * a random key per run that it prints, so a new user can read their data
 * back (`GET /v1/alerts/evaluate?tenant=demo`, `GET /v1/sessions/...`).
 */
export function demoTenantsWithReadKey(key: string): TenantsConfig {
  return { tenants: DEMO_TENANTS.tenants.map((tenant) => ({ ...tenant, serverKeys: [{ id: 'demo-read', key, scopes: ['read'] }] })) };
}

/** A public ingest key as looked up by the collector. */
export interface PublicKeyGrant {
  readonly kind: 'public';
  readonly tenant: string;
  /** The public key (safe to log). */
  readonly keyId: string;
  readonly origins: readonly string[];
  readonly rateLimit: RateLimit;
}

/** A server key as looked up by the collector (the secret is not kept). */
export interface ServerKeyGrant {
  readonly kind: 'server';
  readonly tenant: string;
  readonly keyId: string;
  readonly scopes: readonly ServerScope[];
  readonly rateLimit: RateLimit;
}

/** Key lookups for one configuration. */
export interface TenantRegistry {
  publicKey(key: string): PublicKeyGrant | undefined;
  serverKey(secret: string): ServerKeyGrant | undefined;
  tenantIds(): readonly string[];
}

/** SHA-256 of a secret in hex: how server keys are looked up (and may be written in the file). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const checkFile = TypeCompiler.Compile(TenantsFileSchema);

/**
 * Validate a parsed tenants file; throws naming the first bad field, an
 * origin entry no browser's `Origin` can match, or a server key without
 * exactly one of `key` and `sha256`.
 */
export function parseTenantsConfig(value: unknown): TenantsConfig {
  const withDefaults = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  if (withDefaults && typeof withDefaults === 'object' && Array.isArray((withDefaults as TenantsConfig).tenants)) {
    for (const tenant of (withDefaults as TenantsConfig).tenants) {
      tenant.publicKeys ??= [];
      tenant.serverKeys ??= [];
    }
  }
  if (!checkFile.Check(withDefaults)) {
    const error = checkFile.Errors(withDefaults).First();
    throw new Error(`tenants config: ${error ? `${error.path || '/'} ${describeValueError(error)}` : 'invalid'}`);
  }
  checkTenantEntries(withDefaults);
  return withDefaults;
}

/** Read and validate a tenants JSON file. */
export function loadTenantsFile(path: string): TenantsConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`tenants file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseTenantsConfig(parsed);
}

/**
 * Build the key lookups. Throws on what {@link parseTenantsConfig} refuses,
 * when a key is configured twice (even across tenants), or when a tenant id
 * repeats.
 */
export function createTenantRegistry(config: TenantsConfig): TenantRegistry {
  const publicKeys = new Map<string, PublicKeyGrant>();
  const serverKeys = new Map<string, ServerKeyGrant>();
  const ids = new Set<string>();
  for (const tenant of parseTenantsConfig(config).tenants) {
    if (ids.has(tenant.id)) throw new Error(`tenants config: tenant "${tenant.id}" is defined twice`);
    ids.add(tenant.id);
    for (const pk of tenant.publicKeys) {
      if (publicKeys.has(pk.key)) throw new Error(`tenants config: public key "${pk.key}" is defined twice`);
      const rateLimit = pk.rateLimit ?? DEFAULT_PUBLIC_RATE_LIMIT;
      publicKeys.set(pk.key, { kind: 'public', tenant: tenant.id, keyId: pk.key, origins: pk.origins, rateLimit });
    }
    for (const sk of tenant.serverKeys) {
      const hash = sk.sha256 ?? (sk.key === undefined ? undefined : sha256Hex(sk.key));
      if (!hash) throw new Error(`tenants config: server key "${sk.id}" of "${tenant.id}" needs "key" or "sha256"`);
      if (serverKeys.has(hash)) throw new Error(`tenants config: server key "${sk.id}" is defined twice`);
      const rateLimit = sk.rateLimit ?? DEFAULT_SERVER_RATE_LIMIT;
      serverKeys.set(hash, { kind: 'server', tenant: tenant.id, keyId: sk.id, scopes: sk.scopes, rateLimit });
    }
  }
  return {
    publicKey: (key) => publicKeys.get(key),
    // Looked up by hash: the map probe never compares the secret itself.
    serverKey: (secret) => serverKeys.get(sha256Hex(secret)),
    tenantIds: () => [...ids],
  };
}
