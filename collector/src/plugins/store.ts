import fp from 'fastify-plugin';
import { ingestOptionsFromEnv, type IngestOptions } from '../ingest/options.js';
import { IngestPipeline } from '../ingest/pipeline.js';
import type { StoreConfig } from '../store/config.js';
import { createStore, type Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** ClickHouse, migrated before the first request is served. */
    store: Store;
    /** The batching, spooling ingest path in front of the store. */
    ingest: IngestPipeline;
  }
}

/** Options of {@link storePlugin}. */
export interface StorePluginOptions {
  config: StoreConfig;
  /** Ingest tuning over the environment's (`ingestOptionsFromEnv`). */
  ingest?: Partial<IngestOptions>;
  /** Opens the store (default `createStore`); the fault suite wraps it to take ClickHouse away. */
  openStore?: (config: StoreConfig) => Store;
}

/**
 * Opens the store, runs the migrations before the app is ready (a failure
 * stops the start-up), starts the ingest pipeline (which replays what an
 * earlier run left in the spool) and, on close, drains the pipeline before
 * closing the store.
 */
export const storePlugin = fp<StorePluginOptions>(
  async (fastify, options) => {
    const store = (options.openStore ?? createStore)(options.config);
    let ingest: IngestPipeline;
    try {
      await store.migrate();
      ingest = new IngestPipeline(store, ingestOptionsFromEnv(process.env, options.config, options.ingest), fastify.log);
      await ingest.start();
    } catch (error) {
      await store.close();
      throw error;
    }
    fastify.decorate('store', store);
    fastify.decorate('ingest', ingest);
    fastify.addHook('onClose', async () => {
      try {
        await ingest.close();
      } finally {
        await store.close();
      }
    });
    fastify.log.info({ store: store.kind, spool: ingest.options.spoolDir, ...ingest.stats() }, 'store migrated');
  },
  { name: 'rtcpulse-store' },
);
