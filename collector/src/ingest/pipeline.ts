import { join } from 'node:path';
import type { ReportBatch } from '@rtcpulse/schema';
import { reportKey, type AcceptedReport } from '../store/record.js';
import type { Store } from '../store/store.js';
import { Batcher } from './batcher.js';
import type { IngestOptions } from './options.js';
import { RecentReports, loadRecentReportKeys } from './recent-reports.js';
import { DAMAGED_DIR, Spool } from './spool.js';
import { lockSpoolDir, type SpoolLock } from './spool-lock.js';
import { RecordWriter, type WriterLog, type WriterOptions } from './writer.js';

/** Why a report was not accepted: every case is answered 503 with `Retry-After`. */
export type UnavailableReason = 'spool-full' | 'queue-full' | 'closing' | 'spool-error';

/**
 * What became of a report. `stored`: in ClickHouse. `spooled`: in the fsync'd
 * spool, inserted later. `duplicate`: a retry of a report already durable.
 */
export type AcceptOutcome =
  | { readonly status: 'stored' | 'spooled' | 'duplicate' }
  | { readonly status: 'unavailable'; readonly reason: UnavailableReason; readonly retryAfterSeconds: number };

/** Gauges of the ingest path. */
export interface IngestStats {
  readonly pendingReports: number;
  readonly spoolRecords: number;
  readonly spoolBytes: number;
  readonly writerBacklog: number;
  /** Inserts committed since start (each one insert per table) and the reports they carried. */
  readonly inserts: number;
  readonly insertedReports: number;
  readonly clickhouseHealthy: boolean;
  readonly recentReports: number;
  readonly cachedSessions: number;
}

interface Pending {
  readonly report: AcceptedReport;
  readonly bytes: number;
}

interface Flushed {
  /** Outcome of the record's first insert attempt. */
  readonly inserted: Promise<boolean>;
}

const within = <T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> =>
  new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });

/**
 * The ingest path: validated reports are coalesced by a batcher (which,
 * while the writer is inserting, keeps collecting for up to `maxHoldMs` so
 * that inserts stay few and large); each flush becomes one record, written
 * to the spool and fsync'd, then inserted by the writer (one insert per
 * table). A request is answered once its record is
 * in ClickHouse, or, when the insert fails or takes longer than `ackWaitMs`,
 * once it is in the spool. Memory is bounded by `maxPendingReports` and the
 * spool by `spoolMaxBytes`; beyond either the answer is 503 with `Retry-After`.
 */
export class IngestPipeline {
  readonly spool: Spool;
  readonly writer: RecordWriter;
  readonly #batcher: Batcher<Pending, Flushed>;
  readonly #recent: RecentReports;
  readonly #inFlight = new Map<string, Promise<AcceptOutcome>>();
  #pendingBytes = 0;
  #lock: SpoolLock | undefined;
  #lastSeq = 0;
  #closing = false;

  constructor(
    private readonly store: Store,
    readonly options: IngestOptions,
    private readonly log: WriterLog,
    writerOptions: Partial<WriterOptions> = {},
  ) {
    this.spool = new Spool(options.spoolDir, options.spoolMaxBytes);
    this.writer = new RecordWriter(store, this.spool, log, writerOptions);
    this.#recent = new RecentReports(options.recentReports);
    // While an insert runs, reports keep collecting (up to `maxHoldMs`) so that the next insert is one large one.
    this.#batcher = new Batcher(
      {
        flushIntervalMs: options.flushIntervalMs,
        maxItems: options.maxRecordReports,
        maxHoldMs: options.maxHoldMs,
        busy: () => this.writer.healthy && this.writer.backlog > 0,
      },
      (items) => this.#flush(items),
    );
    this.writer.onIdle = () => this.#batcher.release();
  }

  /**
   * Open the spool and queue what an earlier run left in it (replayed as soon
   * as ClickHouse takes it), remember recently stored reports, start the writer.
   */
  async start(): Promise<void> {
    this.#lock = await lockSpoolDir(this.spool.dir, (holder) =>
      this.log.error({ spool: this.spool.dir, holder }, 'another collector took this spool directory (this one had not renewed its lock for a minute): stop one of them'),
    );
    try {
      await this.#startLocked();
    } catch (error) {
      await this.#lock.release();
      throw error;
    }
  }

  async #startLocked(): Promise<void> {
    const entries = await this.spool.open();
    const setAsideAtOpen = this.spool.setAside.length;
    for (const { name, reason } of this.spool.setAside) {
      this.log.error(
        { file: name, reason, movedTo: join(this.spool.dir, DAMAGED_DIR) },
        'spool file could not be read at start (it may hold an acknowledged record); moved aside for an operator',
      );
    }
    this.#lastSeq = Math.max(await this.spool.maxSeq(), await this.store.maxRecordSeq());
    const requeued = await this.spool.adoptRequeued(() => this.#nextSeq());
    if (requeued.length > 0) this.log.warn({ records: requeued.length }, 'took back records requeued from the quarantine');
    for (const { name, reason } of this.spool.setAside.slice(setAsideAtOpen)) {
      this.log.error({ file: name, reason, movedTo: join(this.spool.dir, DAMAGED_DIR) }, 'requeued spool file could not be read; moved aside for an operator');
    }
    // Numbers of a plan an earlier start wrote may be above what the spool and the store hold.
    this.#lastSeq = Math.max(this.#lastSeq, ...requeued.map((e) => e.seq));
    entries.push(...requeued);
    for (const key of await loadRecentReportKeys(this.store.client, this.options.recentWindowMinutes, this.options.recentReports)) {
      this.#recent.add(key);
    }
    const groups = await this.spool.groups();
    const groupOf = new Map(groups.flatMap((g) => g.seqs.map((seq) => [seq, g] as const)));
    for (const entry of entries) {
      const record = await this.spool.read(entry.seq);
      for (const report of record.reports) this.#recent.add(reportKey(report.batch));
      void this.writer.enqueue(entry.seq, undefined, groupOf.get(entry.seq));
    }
    const present = new Set(entries.map((e) => e.seq));
    for (const group of groups) if (!group.seqs.some((seq) => present.has(seq))) await this.spool.removeGroup(group.seq);
    this.writer.start();
  }

  /**
   * Accept a validated report of `bytes` bytes received at `receivedAt`
   * (epoch ms); `clockSkewMs`, when measured, is stored with the batch.
   */
  async accept(batch: ReportBatch, receivedAt: number, bytes: number, clockSkewMs?: number): Promise<AcceptOutcome> {
    if (this.#closing) return this.#unavailable('closing');
    const key = reportKey(batch);
    if (this.#recent.has(key)) return { status: 'duplicate' };
    const earlier = this.#inFlight.get(key);
    if (earlier) {
      const outcome = await earlier;
      return outcome.status === 'unavailable' ? outcome : { status: 'duplicate' };
    }
    if (this.#batcher.pending >= this.options.maxPendingReports) return this.#unavailable('queue-full');
    if (!this.spool.hasRoom(this.#pendingBytes + bytes)) return this.#unavailable('spool-full');
    const report: AcceptedReport = clockSkewMs === undefined ? { batch, receivedAt } : { batch, receivedAt, clockSkewMs };
    const outcome = this.#enqueue({ report, bytes });
    this.#inFlight.set(key, outcome);
    try {
      const result = await outcome;
      if (result.status !== 'unavailable') this.#recent.add(key);
      return result;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  /**
   * Flush what waits, give the writer `drainTimeoutMs` to empty the spool,
   * then stop it. What is still in the spool then (ClickHouse down or slow)
   * is acknowledged and kept: a warning says where, for whoever scales the
   * instance in or removes its disk.
   */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#batcher.flushAll();
    await this.writer.idle(this.options.drainTimeoutMs);
    await this.writer.stop();
    this.warnIfSpooled('closed');
    await this.#lock?.release();
  }

  /** Warns when acknowledged records are still in the spool (at close, or when the process stops before the drain ends). */
  warnIfSpooled(when: string): void {
    const records = this.spool.recordCount;
    if (records === 0) return;
    this.log.warn(
      { spoolRecords: records, spoolBytes: this.spool.usedBytes, spool: this.spool.dir },
      `${when} with acknowledged records still in the spool: the next start on this spool directory inserts them; keep the directory until then`,
    );
  }

  stats(): IngestStats {
    const inserted = this.writer.inserted;
    return {
      pendingReports: this.#batcher.pending,
      spoolRecords: this.spool.recordCount,
      spoolBytes: this.spool.usedBytes,
      writerBacklog: this.writer.backlog,
      inserts: inserted.inserts,
      insertedReports: inserted.reports,
      clickhouseHealthy: this.writer.healthy,
      recentReports: this.#recent.size,
      cachedSessions: this.store.cachedSessions,
    };
  }

  #unavailable(reason: UnavailableReason): AcceptOutcome {
    return { status: 'unavailable', reason, retryAfterSeconds: this.options.retryAfterSeconds };
  }

  async #enqueue(pending: Pending): Promise<AcceptOutcome> {
    this.#pendingBytes += pending.bytes;
    let flushed: Flushed;
    try {
      flushed = await this.#batcher.add(pending);
    } catch {
      return this.#unavailable('spool-error');
    } finally {
      this.#pendingBytes -= pending.bytes;
    }
    if (this.options.ackWaitMs <= 0) return { status: 'spooled' };
    const inserted = await within(flushed.inserted, this.options.ackWaitMs, false);
    return { status: inserted ? 'stored' : 'spooled' };
  }

  #nextSeq(): number {
    this.#lastSeq = Math.max(this.#lastSeq + 1, Date.now() * 1000);
    return this.#lastSeq;
  }

  async #flush(items: Pending[]): Promise<Flushed> {
    const record = { seq: this.#nextSeq(), reports: items.map((i) => i.report) };
    try {
      await this.spool.append(record);
    } catch (error) {
      // Its reports are answered 503 (`spool-error`); the reason is said here, once per record.
      this.log.error({ err: error, dir: this.spool.dir, reports: items.length }, 'could not write to the spool; reports refused with 503');
      throw error;
    }
    return { inserted: this.writer.enqueue(record.seq, record) };
  }
}
