import { createHash } from 'node:crypto';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { ReportBatch } from '@rtcpulse/schema';
import { createStoreClient, type InsertSettings } from './client.js';
import type { StoreConfig } from './config.js';
import { migrate, type MigrationReport } from './migrate.js';
import { readSessionSamples, type SessionSamplesPage, type SessionSamplesQuery } from './read.js';
import { recordDedupToken, recordRows, type AcceptedReport, type IngestRecord } from './record.js';
import { objectBlock, tsvText, type Block, type EncodedBlock } from './blocks.js';
import { createSerialQueue } from './serial.js';
import { SessionCache, loadSummaries } from './session-cache.js';
import { summaryRow, type SessionRow } from './session-row.js';
import { applyRecordReports, sessionKey, type SessionSummary } from './session-summary.js';

/**
 * A server that cannot be reached, said as such: the client's own error is
 * a stack of its internals ending in `connect ECONNREFUSED`, or a bare
 * `Timeout error.` after half a minute for a server that never answers.
 */
function unreachable(error: unknown, url: string): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(String(code));
  if (!network && !/^Timeout error/.test(String(message))) return error;
  return new Error(`cannot reach ClickHouse at ${withoutCredentials(url)} (CLICKHOUSE_URL): ${String(message || code)}`, { cause: error });
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Rows written for one record. */
export interface InsertedCounts {
  samples: number;
  events: number;
}

/** Options of {@link createStore}. */
export interface StoreOptions {
  /** Session summaries kept in memory (default `DEFAULT_SESSION_CACHE_SIZE`). */
  sessionCacheSize?: number;
}

/** The collector's view of ClickHouse: migrations, record inserts, a few reads. */
export interface Store {
  readonly kind: StoreConfig['kind'];
  /** The underlying client, for queries the store does not wrap. Insert through {@link Store.insertRows}. */
  readonly client: ClickHouseClient;
  /** True once {@link Store.migrate} has succeeded. */
  readonly migrated: boolean;
  /** Session summaries currently held in memory. */
  readonly cachedSessions: number;
  /** Create or update the tables; idempotent. */
  migrate(): Promise<MigrationReport>;
  /** Migrated and answering `SELECT 1` within `timeoutMs`. */
  isReady(timeoutMs?: number): Promise<boolean>;
  /**
   * Insert one record: its samples, events and batches, then the updated
   * summaries of its sessions, one insert per table, each with a token
   * derived from the record's batch ids. Resolves once ClickHouse has
   * committed all of it; writing the same record again stores nothing twice.
   */
  writeRecord(record: IngestRecord): Promise<InsertedCounts>;
  /**
   * Insert rows into any table, optionally deduplicated by `dedupToken`.
   * Use this rather than `client.insert`: on embedded ClickHouse the token is
   * a session-wide setting, so inserts must not interleave and a missing
   * token must be reset explicitly.
   */
  insertRows(table: string, rows: readonly object[], dedupToken?: string): Promise<void>;
  /** Highest record sequence number already in `sessions` (0 when empty). */
  maxRecordSeq(): Promise<number>;
  /** Read back a session's samples. */
  sessionSamples(query: SessionSamplesQuery): Promise<SessionSamplesPage>;
  /** Close the client (and, embedded, the chdb session). */
  close(): Promise<void>;
}

const encoded = (block: Block | undefined): EncodedBlock | undefined =>
  block && { columns: block.columns, text: tsvText(block), rows: block.rows.length };

/**
 * Deduplication token for a single batch in one table (tenant, session,
 * `batchSeq`, table).
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
 * Every insert therefore sets its own token (empty when it has none), and
 * embedded writes run one at a time so that no two inserts interleave their `SET`s.
 */
export function createStore(config: StoreConfig, options: StoreOptions = {}): Store {
  const { client, insertTsv } = createStoreClient(config);
  const writes = createSerialQueue();
  const schema = config.schema ?? {};
  const summaries = new SessionCache(options.sessionCacheSize);
  const serialised = <T>(task: () => Promise<T>): Promise<T> => (config.kind === 'embedded' ? writes.run(task) : task());
  let migrated = false;
  let closed = false;

  /**
   * One insert: a block goes as `TabSeparated` text with its settings in the
   * statement (nothing session-wide); objects with differing keys go as
   * `JSONEachRow` with the token as a client setting (reset when absent).
   */
  const insertNow = async (table: string, rows: EncodedBlock | readonly object[], token = ''): Promise<void> => {
    const block = 'columns' in rows ? rows : encoded(objectBlock(rows));
    if (!block) {
      const settings: ClickHouseSettings = { insert_deduplication_token: token };
      if (schema.cluster) settings.insert_distributed_sync = 1;
      await client.insert({ table, values: rows as object[], format: 'JSONEachRow', clickhouse_settings: settings });
      return;
    }
    if (block.rows === 0) return;
    const settings: InsertSettings = schema.cluster
      ? { insert_deduplication_token: token, insert_distributed_sync: 1 }
      : { insert_deduplication_token: token };
    await insertTsv(table, block.columns, block.text, settings);
  };

  const sessionRows = async (record: IngestRecord): Promise<{ rows: SessionRow[]; next: Map<string, SessionSummary> }> => {
    const next = new Map<string, SessionSummary>();
    const missing = record.reports
      .map((r) => r.batch)
      .filter((b) => !summaries.get(sessionKey(b.tenant, b.sessionId)));
    const loaded = await loadSummaries(client, missing);
    // Each session's reports in this record are folded together: the record's seq is the summary's version.
    const bySession = new Map<string, [AcceptedReport, ...AcceptedReport[]]>();
    for (const report of record.reports) {
      const key = sessionKey(report.batch.tenant, report.batch.sessionId);
      const reports = bySession.get(key);
      if (reports) reports.push(report);
      else bySession.set(key, [report]);
    }
    for (const [key, reports] of bySession) {
      next.set(key, applyRecordReports(summaries.get(key) ?? loaded.get(key), reports, record.seq));
    }
    return { rows: [...next.values()].map(summaryRow), next };
  };

  const writeRecordNow = async (record: IngestRecord): Promise<InsertedCounts> => {
    const rows = recordRows(record);
    await insertNow('samples', rows.samples, recordDedupToken(record, 'samples'));
    await insertNow('events', rows.events, recordDedupToken(record, 'events'));
    await insertNow('batches', rows.batches, recordDedupToken(record, 'batches'));
    const sessions = await sessionRows(record);
    await insertNow('sessions', sessions.rows, recordDedupToken(record, 'sessions'));
    for (const [key, summary] of sessions.next) {
      if (summary.state === 'ended') summaries.delete(key);
      else summaries.set(key, summary);
    }
    return { samples: rows.samples.rows, events: rows.events.rows };
  };

  return {
    kind: config.kind,
    client,
    get migrated() {
      return migrated;
    },
    get cachedSessions() {
      return summaries.size;
    },
    async migrate() {
      const report = await writes.run(() => migrate(client, schema)).catch((error: unknown) => {
        throw config.kind === 'server' ? unreachable(error, config.url) : error;
      });
      migrated = true;
      return report;
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
    writeRecord(record) {
      return serialised(() => writeRecordNow(record));
    },
    insertRows(table, rows, token) {
      return serialised(() => insertNow(table, rows, token));
    },
    async maxRecordSeq() {
      const result = await client.query({ query: 'SELECT max(version) AS seq FROM sessions', format: 'JSONEachRow' });
      const [row] = await result.json<{ seq: number | string }>();
      return Number(row?.seq ?? 0);
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
