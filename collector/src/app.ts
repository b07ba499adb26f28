import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { securityPlugin, type SecurityOptions } from './auth/plugin.js';
import { hardenedServerOptions, type TimeoutOptions } from './auth/server-options.js';
import { errorHandlerPlugin } from './errors.js';
import { corsPlugin } from './plugins/cors.js';
import { staticDirPlugin } from './plugins/static-dir.js';
import { storePlugin, type StorePluginOptions } from './plugins/store.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { explainedJsonParser } from './routes/json-body.js';
import { sessionRoutes } from './routes/sessions.js';
import { alertRoutes } from './routes/alerts.js';
import { runbookConfirmRoutes } from './routes/runbook-confirm.js';
import { serverEventsConfigFromEnv, type ServerEventsConfig } from './server-events/config.js';
import { serverEventsRoutes } from './server-events/routes.js';
import { withServerKeys } from './server-events/server-keys.js';
import { createTenantRegistry, DEMO_TENANTS } from './auth/tenants.js';
import type { StoreConfig } from './store/config.js';
import { telemetryConfigFromEnv, type TelemetryConfig } from './telemetry/config.js';
import { telemetryPlugin } from './telemetry/plugin.js';
import { typeboxValidatorCompiler } from './validation.js';

/**
 * Largest request body accepted, in bytes. A full batch at the schema's
 * limits (600 samples) stays well under it; anything bigger is refused with 413.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** Where ClickHouse is; see `storeConfigFromEnv`. */
  store: StoreConfig;
  /** Ingest batching, spool and backpressure tuning over the environment's (see `ingestOptionsFromEnv`). */
  ingest?: StorePluginOptions['ingest'];
  /** Opens the store (default `createStore`); the fault suite wraps it to take ClickHouse away. */
  openStore?: StorePluginOptions['openStore'];
  /** Fastify logger options; off when absent. */
  logger?: FastifyServerOptions['logger'];
  /**
   * Log every request and response (Fastify's two lines per request). Off by
   * default: at thousands of reports a second they are most of the log and a
   * measurable share of the CPU; refused and failed requests are logged anyway.
   */
  logRequests?: boolean;
  /** Serve this directory (the demo page) under `/demo/`. */
  demoDir?: string;
  /** Serve this directory (the SDK bundle) under `/sdk/`. */
  sdkDir?: string;
  /** Request body limit in bytes (default {@link DEFAULT_BODY_LIMIT_BYTES}). */
  bodyLimit?: number;
  /** OpenTelemetry export; default from `OTEL_*` variables (see `telemetryConfigFromEnv`). */
  telemetry?: TelemetryConfig;
  /** `tenant:key` server keys (added to `security`'s tenants) and pricing; default from the environment (see `serverEventsConfigFromEnv`). */
  serverEvents?: ServerEventsConfig;
  /** Tenants, keys, audit key and clock-skew tolerance; the zero-config default is the `demo` tenant. */
  security?: SecurityOptions;
  /** Header, request, idle and keep-alive timeouts (see `hardenedServerOptions`). */
  timeouts?: TimeoutOptions;
}

/** The collector's Fastify instance, typed for TypeBox schemas. */
export type CollectorApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * Build the collector: error handling and CORS first, then the store (whose
 * migrations run here, so a store that cannot start fails this call), then
 * telemetry, tenancy and the routes; when any of them fails to start, the
 * app is closed and the error thrown. The caller listens (see `server.ts`) or injects (tests), and
 * closes the app to release the store.
 */
export async function buildApp(options: AppOptions): Promise<CollectorApp> {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: options.logRequests !== true }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES,
    pluginTimeout: 60_000,
    ...hardenedServerOptions(options.timeouts),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, explainedJsonParser(app));

  const serverEvents = options.serverEvents ?? serverEventsConfigFromEnv(process.env);
  // `tenant:key` server keys join the tenants' own, so every server route checks, limits and audits them alike.
  const tenants = withServerKeys(options.security?.tenants ?? DEMO_TENANTS, serverEvents.keys);
  // A bad tenants config (a key given twice, say) fails here, before anything is opened.
  const registry = createTenantRegistry(tenants);
  await app.register(errorHandlerPlugin);
  await app.register(corsPlugin);
  try {
    await app.register(storePlugin, {
      config: options.store,
      ...(options.ingest ? { ingest: options.ingest } : {}),
      ...(options.openStore ? { openStore: options.openStore } : {}),
    });
    await app.register(telemetryPlugin, { config: options.telemetry ?? telemetryConfigFromEnv(process.env) });
    await app.register(securityPlugin, { ...options.security, registry });
    await app.register(healthRoutes);
    await app.register(ingestRoutes);
    await app.register(sessionRoutes);
    await app.register(alertRoutes, { pricing: serverEvents.pricing });
    await app.register(runbookConfirmRoutes);
    await app.register(serverEventsRoutes, { prefix: '/v1/server', config: serverEvents });
    if (options.demoDir) await app.register(staticDirPlugin, { root: options.demoDir, urlPrefix: '/demo/' });
    if (options.sdkDir) await app.register(staticDirPlugin, { root: options.sdkDir, urlPrefix: '/sdk/', anyOrigin: true });
  } catch (error) {
    // A plugin that cannot start (the store, a bad tenants config) leaves nothing open behind it.
    await app.close();
    throw error;
  }
  return app;
}
