import fp from 'fastify-plugin';
import type { StoreConfig } from '../store/config.js';
import { createStore, type Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** ClickHouse, migrated before the first request is served. */
    store: Store;
  }
}

/** Options of {@link storePlugin}. */
export interface StorePluginOptions {
  config: StoreConfig;
}

/**
 * Opens the store, runs the migrations before the app is ready (a failure
 * stops the start-up) and closes the store when the app closes.
 */
export const storePlugin = fp<StorePluginOptions>(
  async (fastify, options) => {
    const store = createStore(options.config);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    fastify.decorate('store', store);
    fastify.addHook('onClose', async () => {
      await store.close();
    });
    fastify.log.info({ store: store.kind }, 'store migrated');
  },
  { name: 'rtcpulse-store' },
);
