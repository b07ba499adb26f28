import fp from 'fastify-plugin';
import { ingestOptionsFromEnv, type IngestOptions } from '../ingest/options.js';
import { IngestPipeline } from '../ingest/pipeline.js';
import type { StoreConfig } from '../store/config.js';
import { createStore, type Store } from '../store/store.js';
import type { MigrationReport } from '../store/migrate.js';

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
    let migration: MigrationReport;
    try {
      migration = await store.migrate();
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
    const { version, created, applied, droppedViews, ttlChanges } = migration;
    // An upgrade or a retention change says what it did (each statement on one line, its first 160 characters); a start that changed nothing says nothing more.
    const oneLine = (statements: readonly string[]) => statements.map((s) => s.replace(/\s+/g, ' ').slice(0, 160));
    if (created) {
      fastify.log.info({ statements: applied.length }, 'schema created in an empty store');
    } else if (applied.length + droppedViews.length > 0) {
      fastify.log.info({ statements: oneLine(applied), droppedViews }, `schema brought up to this version: ${applied.length} statements, ${droppedViews.length} old rollup views dropped`);
    }
    if (ttlChanges.length > 0) {
      fastify.log.info({ statements: ttlChanges }, 'retention changed (RTCPULSE_TTL_DAYS_*): with MODIFY TTL, ClickHouse removes rows past it in the background; with REMOVE TTL, rows are kept from now on');
    }
    fastify.log.info({ store: store.kind, clickhouse: version, spool: ingest.options.spoolDir, retentionDays: options.config.schema?.ttlDays ?? {}, ...ingest.stats() }, 'store migrated');
  },
  { name: 'rtcpulse-store' },
);
