import type { ClickHouseClient } from '@clickhouse/client';
import { samplesTable } from './ddl.js';
import type { Row } from './rows.js';

/** Which samples to read back. */
export interface SessionSamplesQuery {
  readonly tenant: string;
  readonly sessionId: string;
  /** At most this many rows (default 10 000). */
  readonly limit?: number;
  /** Rows to skip first, in the order below (default 0): the next page starts at the previous page's offset plus its rows. */
  readonly offset?: number;
}

/** One page of a session's samples, and how many it has in all. */
export interface SessionSamplesPage {
  readonly total: number;
  readonly rows: Row[];
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
 * One page of the stored samples of one session of one tenant, ordered by
 * peer connection and sequence number, with the session's number of
 * samples. Times come back as epoch milliseconds (`ts_ms`, `received_at_ms`).
 */
export async function readSessionSamples(client: ClickHouseClient, query: SessionSamplesQuery): Promise<SessionSamplesPage> {
  const params = { tenant: query.tenant, sessionId: query.sessionId, limit: query.limit ?? 10_000, offset: query.offset ?? 0 };
  const where = 'WHERE tenant = {tenant:String} AND session_id = {sessionId:String}';
  const result = await client.query({
    query: `SELECT ${selectList()} FROM samples ${where}
            ORDER BY pc_id, seq, ts_ms
            LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const rows = await result.json<Row>();
  for (const row of rows) {
    for (const column of INTEGER_COLUMNS) row[column] = Number(row[column]);
  }
  const counted = await client.query({ query: `SELECT count() AS n FROM samples ${where}`, query_params: params, format: 'JSONEachRow' });
  const [count] = await counted.json<{ n: number | string }>();
  return { total: Number(count?.n ?? 0), rows };
}
