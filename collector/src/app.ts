import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { errorHandlerPlugin } from './errors.js';
import { corsPlugin } from './plugins/cors.js';
import { staticDirPlugin } from './plugins/static-dir.js';
import { storePlugin } from './plugins/store.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { sessionRoutes } from './routes/sessions.js';
import type { StoreConfig } from './store/config.js';
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
  /** Fastify logger options; off when absent. */
  logger?: FastifyServerOptions['logger'];
  /** Serve this directory (the demo page) under `/demo/`. */
  demoDir?: string;
  /** Serve this directory (the SDK bundle) under `/sdk/`. */
  sdkDir?: string;
  /** Request body limit in bytes (default {@link DEFAULT_BODY_LIMIT_BYTES}). */
  bodyLimit?: number;
}

/** The collector's Fastify instance, typed for TypeBox schemas. */
export type CollectorApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * Build the collector: error handling and CORS first, then the store (whose
 * migrations run here, so a store that cannot start fails this call), then
 * the routes. The caller listens (see `server.ts`) or injects (tests), and
 * closes the app to release the store.
 */
export async function buildApp(options: AppOptions): Promise<CollectorApp> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES,
    pluginTimeout: 60_000,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(typeboxValidatorCompiler);

  await app.register(errorHandlerPlugin);
  await app.register(corsPlugin);
  try {
    await app.register(storePlugin, { config: options.store });
  } catch (error) {
    await app.close();
    throw error;
  }

  await app.register(healthRoutes);
  await app.register(ingestRoutes);
  await app.register(sessionRoutes);
  if (options.demoDir) await app.register(staticDirPlugin, { root: options.demoDir, urlPrefix: '/demo/' });
  if (options.sdkDir) await app.register(staticDirPlugin, { root: options.sdkDir, urlPrefix: '/sdk/' });
  return app;
}
