import { createHash } from 'node:crypto';
import type { ReportBatch } from '@rtcpulse/schema';
import { EVENT_COLUMNS, batchFields, eventText, sampleBlock, sampleText, type EncodedBlock } from './blocks.js';
import { batchRow, type Row } from './rows.js';

/** A validated report, when the collector received it (epoch ms) and the client clock skew it measured. */
export interface AcceptedReport {
  readonly batch: ReportBatch;
  readonly receivedAt: number;
  /** `receivedAt - sentAt` in ms, stored on the batch row; absent when not measured. */
  readonly clockSkewMs?: number;
}

/**
 * The unit of durability and of insertion: the reports accepted together in
 * one flush. It is spooled as one file, inserted as one insert per table, and
 * a replay of it inserts exactly the same blocks with the same tokens.
 */
export interface IngestRecord {
  /** Increasing across restarts; the version of the session rows it writes. */
  readonly seq: number;
  readonly reports: readonly AcceptedReport[];
  /**
   * Set when several spooled records are inserted as one: the hash of the
   * batch ids of the whole group, kept in the spool's group manifest, so a
   * replay of what is left of the group carries the same tokens.
   */
  readonly tokenSeed?: string;
}

/** Identity of a report: a retry of it carries the same tenant, session and `batchSeq`. */
export function reportKey(batch: Pick<ReportBatch, 'tenant' | 'sessionId' | 'batchSeq'>): string {
  return JSON.stringify([batch.tenant, batch.sessionId, batch.batchSeq]);
}

/**
 * Deduplication token of a record's insert into `table`, derived from the
 * ids of the batches it carries: a replay or retry of the same record is
 * dropped by ClickHouse within the table's deduplication window.
 */
export function recordDedupToken(record: IngestRecord, table: string): string {
  const seed = record.tokenSeed ?? batchIdsHash(record.reports);
  return createHash('sha256').update(`${table}\n${seed}`).digest('hex');
}

/** Hash of the batch ids of some reports, in order. */
export function batchIdsHash(reports: readonly AcceptedReport[]): string {
  const hash = createHash('sha256');
  for (const report of reports) hash.update(reportKey(report.batch)).update('\n');
  return hash.digest('hex');
}

/** The rows one record writes into each raw table. */
export interface RecordRows {
  readonly samples: EncodedBlock;
  readonly events: EncodedBlock;
  readonly batches: Row[];
}

/** Map a record to rows. */
export function recordRows(record: IngestRecord): RecordRows {
  const samples: string[] = [];
  const events: string[] = [];
  let sampleCount = 0;
  let eventCount = 0;
  for (const { batch, receivedAt } of record.reports) {
    const fields = batchFields(batch, receivedAt);
    samples.push(sampleText(batch, receivedAt, fields));
    events.push(eventText(batch, receivedAt, fields));
    sampleCount += batch.samples.length;
    eventCount += batch.events.length;
  }
  return {
    samples: sampleBlock(samples, sampleCount),
    events: { columns: EVENT_COLUMNS, text: events.join(''), rows: eventCount },
    batches: record.reports.map((r) => batchRow(r.batch, new Date(r.receivedAt), r.clockSkewMs)),
  };
}
