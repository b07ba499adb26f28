import type { ClickHouseClient } from '@clickhouse/client';
import { samplesTable } from './ddl.js';
import type { Row } from './rows.js';

/** Which samples to read back. */
export interface SessionSamplesQuery {
  readonly tenant: string;
  readonly sessionId: string;
  /** At most this many rows (default 10 000). */
  readonly limit?: number;
}

/** Columns read back as integers; a ClickHouse server may quote 64-bit ones as strings. */
const INTEGER_COLUMNS = ['seq', 'ts_ms', 'received_at_ms'] as const;

function selectList(): string {
  const timeColumns = new Set(['ts', 'received_at']);
  const plain = samplesTable()
    .columns.filter((c) => !timeColumns.has(c.name))
    .map((c) => c.name);
  return [...plain, 'toUnixTimestamp64Milli(ts) AS ts_ms', 'toUnixTimestamp64Milli(received_at) AS received_at_ms'].join(
    ', ',
  );
}

/**
 * The stored samples of one session of one tenant, ordered by peer
 * connection and sequence number. Times come back as epoch milliseconds
 * (`ts_ms`, `received_at_ms`).
 */
export async function readSessionSamples(client: ClickHouseClient, query: SessionSamplesQuery): Promise<Row[]> {
  const result = await client.query({
    query: `SELECT ${selectList()} FROM samples
            WHERE tenant = {tenant:String} AND session_id = {sessionId:String}
            ORDER BY pc_id, seq, ts_ms
            LIMIT {limit:UInt32}`,
    query_params: { tenant: query.tenant, sessionId: query.sessionId, limit: query.limit ?? 10_000 },
    format: 'JSONEachRow',
  });
  const rows = await result.json<Row>();
  for (const row of rows) {
    for (const column of INTEGER_COLUMNS) row[column] = Number(row[column]);
  }
  return rows;
}
