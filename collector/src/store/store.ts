import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ReportBatch } from '@rtcpulse/schema';
import { createClickHouseClient } from './client.js';
import type { StoreConfig } from './config.js';
import { migrate } from './migrate.js';
import { readSessionSamples, type SessionSamplesQuery } from './read.js';
import { batchRow, eventRows, sampleRows, type Row } from './rows.js';
import { createSerialQueue } from './serial.js';

/** Rows written for one batch. */
export interface InsertedCounts {
  samples: number;
  events: number;
}

/** The collector's view of ClickHouse: migrations, batch inserts, a few reads. */
export interface Store {
  readonly kind: StoreConfig['kind'];
  /** The underlying client, for queries the store does not wrap. */
  readonly client: ClickHouseClient;
  /** True once {@link Store.migrate} has succeeded. */
  readonly migrated: boolean;
  /** Create or update the tables; idempotent. */
  migrate(): Promise<void>;
  /** Migrated and answering `SELECT 1` within `timeoutMs`. */
  isReady(timeoutMs?: number): Promise<boolean>;
  /**
   * Write one batch (samples, events, then its `batches` row) and resolve
   * once ClickHouse has committed all of it. A retry of the same batch
   * (same tenant, session and `batchSeq`) is stored once.
   */
  insertBatch(batch: ReportBatch, receivedAt?: Date): Promise<InsertedCounts>;
  /** Read back a session's samples. */
  sessionSamples(query: SessionSamplesQuery): Promise<Row[]>;
  /** Close the client (and, embedded, the chdb session). */
  close(): Promise<void>;
}

/**
 * Deduplication token for one batch in one table. ClickHouse drops an
 * insert whose token it has seen within the table's deduplication window.
 */
export function dedupToken(batch: ReportBatch, table: string): string {
  const key = JSON.stringify([batch.tenant, batch.sessionId, batch.batchSeq, table]);
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Open a store. Nothing is queried until {@link Store.migrate} runs.
 *
 * Embedded caveat: chdb applies `clickhouse_settings` as session-wide `SET`
 * statements, so a deduplication token would leak into the next insert.
 * Every insert therefore carries its own token, and embedded writes run one
 * at a time so that no two inserts interleave their `SET`s.
 */
export function createStore(config: StoreConfig): Store {
  const client = createClickHouseClient(config);
  const writes = createSerialQueue();
  let migrated = false;
  let closed = false;

  const insert = async (table: string, rows: Row[], token: string): Promise<void> => {
    if (rows.length === 0) return;
    await client.insert({
      table,
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: token },
    });
  };

  const writeBatch = async (batch: ReportBatch, receivedAt: Date): Promise<InsertedCounts> => {
    const samples = sampleRows(batch, receivedAt);
    const events = eventRows(batch, receivedAt);
    await insert('samples', samples, dedupToken(batch, 'samples'));
    await insert('events', events, dedupToken(batch, 'events'));
    await insert('batches', [batchRow(batch, receivedAt)], dedupToken(batch, 'batches'));
    return { samples: samples.length, events: events.length };
  };

  return {
    kind: config.kind,
    client,
    get migrated() {
      return migrated;
    },
    async migrate() {
      await writes.run(() => migrate(client));
      migrated = true;
    },
    async isReady(timeoutMs = 2000) {
      if (!migrated || closed) return false;
      try {
        const result = await client.query({
          query: 'SELECT 1 AS ok',
          format: 'JSONEachRow',
          abort_signal: AbortSignal.timeout(timeoutMs),
        });
        const [row] = await result.json<{ ok: number | string }>();
        return Number(row?.ok) === 1;
      } catch {
        return false;
      }
    },
    insertBatch(batch, receivedAt = new Date()) {
      return config.kind === 'embedded' ? writes.run(() => writeBatch(batch, receivedAt)) : writeBatch(batch, receivedAt);
    },
    sessionSamples(query) {
      return readSessionSamples(client, query);
    },
    async close() {
      if (closed) return;
      closed = true;
      await writes.run(() => client.close());
    },
  };
}
