import type { SqlRunner } from './schema.js';

/** The part of `@clickhouse/client`'s client the evaluator uses. */
export interface QueryClient {
  query(params: {
    query: string;
    query_params?: Record<string, unknown>;
    format: 'JSONEachRow';
  }): Promise<{ json<T>(): Promise<T[]> }>;
}

/** A {@link SqlRunner} over a ClickHouse client (embedded chdb or server). */
export function clickhouseRunner(client: QueryClient): SqlRunner {
  return async (sql, params) => {
    const result = await client.query({ query: sql, query_params: { ...params }, format: 'JSONEachRow' });
    return result.json<Record<string, unknown>>();
  };
}
