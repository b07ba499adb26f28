import type { IncomingHttpHeaders } from 'node:http';
import type { RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { ephemeralAuditKey, type AuditKey } from '../audit/actor-key.js';
import { createAuditLog, type AuditLog } from '../audit/log.js';
import { checkAuditKeyFingerprint, refuseNewKeyOverWrittenLog } from '../audit/key-fingerprint.js';
import { PendingAudit } from '../audit/pending.js';
import { keyedRecord } from '../audit/record.js';
import { auditLogHasRows } from '../audit/read.js';
import { COMPLETENESS_INTERVAL_MS, refreshCompletenessGauges } from '../audit/completeness-gauges.js';
import { loadWriterId } from '../audit/writer-id.js';
import { BROWSER_ROUTE } from '../plugins/cors.js';
import { CLOCK_SKEW_TOLERANCE_MS } from './clock-skew.js';
import { checkUtf8, decodeBody } from './decompress.js';
import { createAuthFailureRecorder } from './failures.js';
import { ingestOnRequest, ingestOnSend, ingestPreHandler, type IngestGuardDeps } from './ingest-guard.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { requireServerKey, type ServerGuardDeps, type TenantOfRequest } from './server-guard.js';
import { createTenantRegistry, DEMO_TENANTS, type ServerScope, type TenantRegistry, type TenantsConfig } from './tenants.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Tenants and their keys. */
    tenants: TenantRegistry;
    /** The append-only, hash-chained audit log. */
    audit: AuditLog;
    /** An `onRequest` hook requiring a server key with `scope` (or one of a list); see `requireServerKey`. */
    serverKeyHook: (scope: ServerScope | readonly ServerScope[], tenantOf?: TenantOfRequest) => ReturnType<typeof requireServerKey>;
  }
}

/** Tenancy, security and audit settings of the app. */
export interface SecurityOptions {
  /** Tenants and keys; default {@link DEMO_TENANTS} (tenant `demo`, public key `demo`, same-origin and localhost). */
  readonly tenants?: TenantsConfig;
  /** The tenants already turned into a registry (`buildApp` builds it before the store opens); wins over `tenants`. */
  readonly registry?: TenantRegistry;
  /** Secret for pseudonymous actor ids; default a random key for this process only (logged as a warning). */
  readonly auditKey?: AuditKey;
  /** Region this collector runs in, for the audit log's "where". */
  readonly region?: string;
  /**
   * This instance's audit writer id (`RTCPULSE_INSTANCE_ID`); default an id
   * kept in the spool directory (see `loadWriterId`).
   */
  readonly auditWriter?: string;
  /** Accept an audit key other than the one this instance appended with (`RTCPULSE_AUDIT_KEY_CHANGED=1`; see `checkAuditKeyFingerprint`). */
  readonly auditKeyChanged?: boolean;
  /** How often the audit completeness gauges are computed (default {@link COMPLETENESS_INTERVAL_MS}; `RTCPULSE_COMPLETENESS_INTERVAL_S`). */
  readonly completenessIntervalMs?: number;
  /** How often the heads of the chains this instance appended to are logged (default {@link AUDIT_HEAD_LOG_MS}). */
  readonly auditHeadLogMs?: number;
  /** Clock skews below this are not corrected (default {@link CLOCK_SKEW_TOLERANCE_MS}). */
  readonly clockSkewToleranceMs?: number;
  /** Clock for rate limits and skew (tests). */
  readonly now?: () => number;
}

/** Default interval of the `audit chain heads` log line: hourly. */
export const AUDIT_HEAD_LOG_MS = 3_600_000;

/** Whether a request announces a body (a length above zero, or chunked). */
function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** Add a hook to a route being declared, after any it already has. */
function appendHook(route: RouteOptions, name: 'onRequest' | 'preHandler' | 'onSend', hook: unknown): void {
  const slots = route as unknown as Record<string, unknown>;
  const existing = slots[name];
  slots[name] = existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];
}

/**
 * Tenancy, request hardening and the audit log, registered after the store
 * and before the routes: decorates `tenants`, `audit` and `serverKeyHook`;
 * decodes gzip bodies under the body limit; and guards `POST /v1/reports`
 * (key, origin, rate limit before the body; tenant match, clock skew and
 * audit events after validation).
 */
export const securityPlugin = fp<SecurityOptions>(
  async (fastify, options) => {
    const tenants = options.registry ?? createTenantRegistry(options.tenants ?? DEMO_TENANTS);
    const auditKey = options.auditKey ?? ephemeralAuditKey();
    if (auditKey.source === 'ephemeral') {
      fastify.log.warn('audit HMAC key: none configured, using a random one for this process (actor pseudonyms will change on restart)');
    }
    const store = fastify.store;
    const writer = options.auditWriter ?? loadWriterId(fastify.ingest.spool.dir);
    await refuseNewKeyOverWrittenLog(auditKey, () => auditLogHasRows(store.client), options.auditKeyChanged);
    const keyCheck = await checkAuditKeyFingerprint(fastify.ingest.spool.dir, auditKey, options.auditKeyChanged);
    auditKey.persist?.();
    if (keyCheck === 'changed-on-purpose') {
      fastify.log.warn('audit HMAC key: changed on purpose (RTCPULSE_AUDIT_KEY_CHANGED); actors get new pseudonyms from now on');
    } else if (keyCheck === 'same' && options.auditKeyChanged) {
      fastify.log.warn('audit HMAC key: RTCPULSE_AUDIT_KEY_CHANGED is still set; remove it, or a later change of key will not be caught');
    }
    fastify.log.info({ writer }, 'audit log: this instance appends to its own chain of each tenant');
    const audit = createAuditLog(
      {
        get client() {
          return store.client;
        },
        insertRows: (table, rows, token) => store.insertRows(table, rows, token),
      },
      { hmacKey: auditKey.key, service: 'rtcpulse-collector', region: options.region ?? '', writer },
      fastify.log,
    );
    // Chain heads go to the log from time to time and at close: an anchor kept outside the store for `audit:verify --expect-head`.
    const logHeads = (): void => {
      const heads = audit.takeNewHeads();
      if (heads.length > 0) fastify.log.info({ auditHeads: heads.map((h) => `${h.tenant} ${h.writer}:${h.seq}:${h.hash}`) }, 'audit chain heads');
    };
    const headTimer = setInterval(logHeads, options.auditHeadLogMs ?? AUDIT_HEAD_LOG_MS);
    headTimer.unref();
    const limiter: RateLimiter = createRateLimiter(options.now);
    const failures = createAuthFailureRecorder(() => audit, limiter);
    fastify.decorate('tenants', tenants);
    fastify.decorate('audit', audit);
    const serverDeps: ServerGuardDeps = { tenants: () => tenants, limiter, failures };
    fastify.decorate('serverKeyHook', (scope: ServerScope | readonly ServerScope[], tenantOf?: TenantOfRequest) =>
      requireServerKey(serverDeps, scope, tenantOf),
    );

    const bodyLimit = fastify.initialConfig.bodyLimit ?? 1024 * 1024;
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      const limit = request.routeOptions.bodyLimit ?? bodyLimit;
      // No body, or one Fastify refuses by its Content-Length alone (413) without reading it.
      if (!hasBody(request.headers) || Number(request.headers['content-length']) > limit) return payload;
      return checkUtf8(decodeBody(payload, request.headers['content-encoding'], limit));
    });

    // Audit records of accepted reports that could not be appended wait on disk, appended once ClickHouse is back.
    const pendingAudit = new PendingAudit(fastify.ingest.spool.dir, (records) => audit.append(records), fastify.log, undefined, (record) =>
      keyedRecord(record, auditKey.key),
    );
    await pendingAudit.start();
    const ingest: IngestGuardDeps = {
      tenants: () => tenants,
      audit: () => audit,
      pendingAudit: () => pendingAudit,
      limiter,
      failures,
      clockSkewToleranceMs: options.clockSkewToleranceMs ?? CLOCK_SKEW_TOLERANCE_MS,
      now: options.now ?? Date.now,
    };
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (route.url !== BROWSER_ROUTE || !methods.includes('POST')) return;
      appendHook(route, 'onRequest', ingestOnRequest(ingest));
      appendHook(route, 'preHandler', ingestPreHandler(ingest));
      appendHook(route, 'onSend', ingestOnSend(ingest));
    });
    // Audit completeness per tenant as registry gauges, so a Prometheus-only deployment sees it too.
    const completenessMs = options.completenessIntervalMs ?? COMPLETENESS_INTERVAL_MS;
    const refreshCompleteness = (): void => {
      if (!fastify.hasDecorator('telemetry')) return;
      refreshCompletenessGauges(fastify.telemetry, store.client, tenants.tenantIds(), 3 * completenessMs).catch((error: unknown) => {
        fastify.log.warn({ err: error }, 'audit completeness gauges not refreshed');
      });
    };
    const firstCompleteness = setTimeout(refreshCompleteness, Math.min(30_000, completenessMs));
    const completenessTimer = setInterval(refreshCompleteness, completenessMs);
    firstCompleteness.unref();
    completenessTimer.unref();
    // Before any plugin's onClose, so the store is still open for the last appends; the heads last, once they are final.
    fastify.addHook('preClose', async () => {
      clearTimeout(firstCompleteness);
      clearInterval(completenessTimer);
      clearInterval(headTimer);
      await audit.flush();
      await pendingAudit.close();
      logHeads();
    });
  },
  { name: 'rtcpulse-security', dependencies: ['rtcpulse-store'] },
);
