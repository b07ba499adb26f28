import type { ClickHouseClient } from '@clickhouse/client';
import { reportKey } from '../store/record.js';

/**
 * The keys (tenant, session, `batchSeq`) of recently stored reports, oldest
 * forgotten first, so that a retry of a report that was stored (but whose
 * answer was lost) is acknowledged without storing it again.
 */
export class RecentReports {
  readonly #keys = new Set<string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#keys.size;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    if (this.#keys.size > this.capacity) {
      const oldest = this.#keys.values().next();
      if (!oldest.done) this.#keys.delete(oldest.value);
    }
  }
}

/** Keys of the reports stored in the last `minutes`, oldest first, at most `limit`. */
export async function loadRecentReportKeys(client: ClickHouseClient, minutes: number, limit: number): Promise<string[]> {
  const result = await client.query({
    query: `SELECT tenant, session_id, batch_seq FROM batches
            WHERE received_at >= now64(3) - toIntervalMinute({minutes:UInt32})
            ORDER BY received_at DESC LIMIT {limit:UInt32}`,
    query_params: { minutes, limit },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ tenant: string; session_id: string; batch_seq: number | string }>();
  return rows
    .reverse()
    .map((r) => reportKey({ tenant: r.tenant, sessionId: r.session_id, batchSeq: Number(r.batch_seq) }));
}
