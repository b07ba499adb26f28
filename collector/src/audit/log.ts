import type { ClickHouseClient } from '@clickhouse/client';
import { MAX_STORABLE_EPOCH_MS, toDateTime64 } from '../store/rows.js';
import { createSerialQueue, type SerialQueue } from '../store/serial.js';
import { GENESIS_HASH, rowHash, type AuditRow } from './canonical.js';
import { rowOfRecord, type AuditContext, type AuditRecord } from './record.js';
import { AUDIT_TABLE } from './table.js';

/** The end of a chain. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** Appends to this writer's hash chain of each tenant. */
export interface AuditLog {
  /**
   * Append records (any tenants) and resolve once ClickHouse has them.
   * Appends of one tenant run one at a time, in call order; records whose
   * `dedupKey` is already in the log are skipped. Resolves to the rows written.
   */
  append(records: readonly AuditRecord[]): Promise<AuditRow[]>;
  /** Append without waiting; a failure is logged, never thrown. */
  appendLater(records: readonly AuditRecord[]): void;
  /** Wait for every append started so far. */
  flush(): Promise<void>;
  /** The last row of this writer's chain of a tenant, as stored. */
  head(tenant: string): Promise<ChainHead>;
  /**
   * The heads this writer appended since the last call (per tenant, in
   * memory, nothing read): for logging them outside the store, where they
   * anchor `audit:verify --expect-head`.
   */
  takeNewHeads(): { tenant: string; writer: string; seq: number; hash: string }[];
}

/** Where failures of {@link AuditLog.appendLater} go. */
export interface AuditLogger {
  error(object: object, message: string): void;
}

/** How the log reaches ClickHouse: reads on the client, writes through the store's serialised inserts. */
export interface AuditStorage {
  readonly client: ClickHouseClient;
  insertRows(table: string, rows: readonly object[], dedupToken?: string): Promise<void>;
}

interface Chain {
  readonly queue: SerialQueue;
  head?: ChainHead;
}

const clampTime = (ms: number): number => Math.min(Math.max(0, ms), MAX_STORABLE_EPOCH_MS);

async function readHead(client: ClickHouseClient, tenant: string, writer: string): Promise<ChainHead> {
  const result = await client.query({
    query: `SELECT seq, hash FROM ${AUDIT_TABLE} WHERE tenant = {tenant:String} AND writer = {writer:String} ORDER BY seq DESC LIMIT 1`,
    query_params: { tenant, writer },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ seq: number | string; hash: string }>();
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
}

async function knownKeys(client: ClickHouseClient, tenant: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const result = await client.query({
    query: `SELECT DISTINCT dedup_key FROM ${AUDIT_TABLE} WHERE tenant = {tenant:String} AND dedup_key IN {keys:Array(String)}`,
    query_params: { tenant, keys },
    format: 'JSONEachRow',
  });
  return new Set((await result.json<{ dedup_key: string }>()).map((r) => r.dedup_key));
}

function toInsertRow(row: AuditRow): Record<string, string | number> {
  const { ts_ms, recorded_at_ms, ...rest } = row;
  return { ...rest, ts: toDateTime64(ts_ms), recorded_at: toDateTime64(recorded_at_ms) };
}

/**
 * The audit log on a ClickHouse client. Each collector instance appends to
 * its own chain per tenant (`context.writer`), so instances side by side
 * never fork a chain; an instance keeps its id across restarts, and the head
 * of its chain is read from the table on first use (so the chain continues)
 * and re-read after a failed insert. A record's `dedupKey` is checked against
 * the whole tenant, whichever writer appended it.
 */
export function createAuditLog(
  storage: AuditStorage,
  context: AuditContext,
  logger: AuditLogger,
  now: () => number = Date.now,
): AuditLog {
  // Read at each use: a store may replace its client (the fault suite's outage store does).
  const client = (): AuditStorage['client'] => storage.client;
  const chains = new Map<string, Chain>();
  const moved = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  const chainOf = (tenant: string): Chain => {
    let chain = chains.get(tenant);
    if (!chain) {
      chain = { queue: createSerialQueue() };
      chains.set(tenant, chain);
    }
    return chain;
  };

  const appendTenant = async (tenant: string, records: readonly AuditRecord[]): Promise<AuditRow[]> => {
    const chain = chainOf(tenant);
    chain.head ??= await readHead(client(), tenant, context.writer);
    const keys = records.flatMap((r) => (r.dedupKey ? [r.dedupKey] : []));
    const seen = await knownKeys(client(), tenant, keys);
    const rows: AuditRow[] = [];
    let { seq, hash } = chain.head;
    const recordedAt = clampTime(now());
    for (const record of records) {
      if (record.dedupKey) {
        if (seen.has(record.dedupKey)) continue;
        seen.add(record.dedupKey);
      }
      const base = rowOfRecord({ ...record, ts: clampTime(record.ts ?? recordedAt) }, context, recordedAt);
      const linked = { ...base, prev_hash: hash };
      hash = rowHash(linked);
      seq += 1;
      rows.push({ ...linked, seq, hash });
    }
    if (rows.length === 0) return rows;
    try {
      // `writer` is not hashed: two new chains appending the same record at the same instant must not share a token.
      await storage.insertRows(AUDIT_TABLE, rows.map(toInsertRow), `audit-${context.writer}-${seq}-${hash}`);
    } catch (error) {
      chain.head = undefined; // the insert may or may not have landed: read the head again next time
      throw error;
    }
    chain.head = { seq, hash };
    moved.add(tenant);
    return rows;
  };

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };

  const append = (records: readonly AuditRecord[]): Promise<AuditRow[]> => {
    const byTenant = new Map<string, AuditRecord[]>();
    for (const record of records) {
      const list = byTenant.get(record.tenant) ?? [];
      list.push(record);
      byTenant.set(record.tenant, list);
    }
    const runs = [...byTenant].map(([tenant, list]) =>
      track(chainOf(tenant).queue.run(() => appendTenant(tenant, list))),
    );
    return Promise.all(runs).then((parts) => parts.flat());
  };

  return {
    append,
    appendLater(records) {
      append(records).catch((error: unknown) => {
        logger.error({ err: error, records: records.length }, 'audit append failed');
      });
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    takeNewHeads() {
      const heads = [...moved].flatMap((tenant) => {
        const head = chains.get(tenant)?.head;
        return head ? [{ tenant, writer: context.writer, seq: head.seq, hash: head.hash }] : [];
      });
      moved.clear();
      return heads;
    },
    async head(tenant) {
      return chainOf(tenant).queue.run(() => readHead(client(), tenant, context.writer));
    },
  };
}
