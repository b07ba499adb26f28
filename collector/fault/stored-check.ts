/** Exactly-once checks: what was acknowledged against what ClickHouse holds. */
import type { ClickHouseClient } from '@clickhouse/client';
import { reportKey } from '../src/store/record.js';

/** How many rows each stored report has in `batches` and `samples`. */
export interface StoredReport {
  readonly batches: number;
  readonly samples: number;
}

/** Stored reports of a tenant by key (tenant, session, batchSeq), with their row counts. */
export async function storedReportKeys(client: ClickHouseClient, tenant: string): Promise<Map<string, StoredReport>> {
  const query = async (sql: string) =>
    (await client.query({ query: sql, query_params: { tenant }, format: 'JSONEachRow' })).json<{
      session_id: string;
      batch_seq: number | string;
      n: number | string;
    }>();
  const batches = await query(
    'SELECT session_id, batch_seq, count() AS n FROM batches WHERE tenant = {tenant:String} GROUP BY session_id, batch_seq',
  );
  // A report of five samples has sequence numbers batchSeq*5 .. batchSeq*5+4 (see sdk-reports.ts).
  const samples = await query(
    `SELECT session_id, intDiv(seq, 5) AS batch_seq, count() AS n FROM samples
     WHERE tenant = {tenant:String} GROUP BY session_id, batch_seq`,
  );
  const stored = new Map<string, StoredReport>();
  const key = (r: { session_id: string; batch_seq: number | string }) =>
    reportKey({ tenant, sessionId: r.session_id, batchSeq: Number(r.batch_seq) });
  for (const r of batches) stored.set(key(r), { batches: Number(r.n), samples: 0 });
  for (const r of samples) stored.set(key(r), { batches: stored.get(key(r))?.batches ?? 0, samples: Number(r.n) });
  return stored;
}

/** The outcome of comparing acknowledged and stored reports. */
export interface StoredCheck {
  readonly acked: number;
  /** Acknowledged but not (completely) stored. */
  readonly missing: number;
  /** Stored more than once (any report, acknowledged or not). */
  readonly duplicated: number;
  /** Acknowledged and stored exactly once with all five samples. */
  readonly exactlyOnce: number;
  /** Stored although never acknowledged (for example refused with 503). */
  readonly storedNotAcked: number;
}

/** Compare; `samplesPerReport` rows are expected in `samples` for each report. */
export function duplicateReports(acked: ReadonlySet<string>, stored: ReadonlyMap<string, StoredReport>, samplesPerReport = 5): StoredCheck {
  let missing = 0;
  let exactlyOnce = 0;
  for (const key of acked) {
    const row = stored.get(key);
    if (row?.batches === 1 && row.samples === samplesPerReport) exactlyOnce += 1;
    else if (!row || row.batches === 0 || row.samples < samplesPerReport) missing += 1;
  }
  let duplicated = 0;
  let storedNotAcked = 0;
  for (const [key, row] of stored) {
    if (row.batches > 1 || row.samples > samplesPerReport) duplicated += 1;
    if (!acked.has(key)) storedNotAcked += 1;
  }
  return { acked: acked.size, missing, duplicated, exactlyOnce, storedNotAcked };
}
