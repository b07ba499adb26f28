import type { IngestRecord } from '../store/record.js';
import type { SpoolGroup } from './spool.js';

/** The part of a logger the writer uses (Fastify's logger fits). */
export interface WriterLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Tuning of the record writer (`RecordWriter` in writer.ts). */
export interface WriterOptions {
  /** Records kept in memory while queued; later ones are read back from the spool. */
  readonly keepInMemory: number;
  /** A backlog is inserted as groups of up to this many records... */
  readonly maxGroupRecords: number;
  /** ...and this many reports... */
  readonly maxGroupReports: number;
  /** ...and this many bytes of spooled JSON (what a group holds in memory while it is inserted). */
  readonly maxGroupBytes: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Failed attempts, while ClickHouse answers, before the records are quarantined. */
  readonly quarantineAfter: number;
}

/** The writer's defaults. */
export const WRITER_DEFAULTS: WriterOptions = {
  keepInMemory: 4,
  maxGroupRecords: 64,
  maxGroupReports: 4000,
  maxGroupBytes: 16 * 1024 * 1024,
  minBackoffMs: 100,
  maxBackoffMs: 5000,
  quarantineAfter: 5,
};

/** One spooled record waiting to be inserted, alone or with its group. */
export interface Job {
  readonly seq: number;
  record: IngestRecord | undefined;
  /** Once a job is part of a written group manifest, it is only ever inserted with that group. */
  group: SpoolGroup | undefined;
  settle(inserted: boolean): void;
}

/**
 * A job and the promise of its first attempt. Kept apart from `enqueue` so
 * that the long-lived `settle` closure cannot hold on to a record that the
 * job itself does not keep.
 */
export function newJob(seq: number, record: IngestRecord | undefined, group: SpoolGroup | undefined): { job: Job; firstAttempt: Promise<boolean> } {
  let resolve: (inserted: boolean) => void = () => undefined;
  const firstAttempt = new Promise<boolean>((r) => (resolve = r));
  let settled = false;
  const settle = (inserted: boolean): void => {
    if (!settled) resolve(inserted);
    settled = true;
  };
  return { job: { seq, record, group, settle }, firstAttempt };
}
