import { join } from 'node:path';
import { batchIdsHash, type IngestRecord } from '../store/record.js';
import type { Store } from '../store/store.js';
import { isRecordError } from './record-error.js';
import { QUARANTINE_DIR, type Spool, type SpoolGroup } from './spool.js';
import { newJob, WRITER_DEFAULTS, type Job, type WriterLog, type WriterOptions } from './writer-job.js';

export type { WriterLog, WriterOptions } from './writer-job.js';

/**
 * Inserts spooled records into ClickHouse in spool order, deleting each from
 * the spool once committed. When records queue up (ClickHouse slow, or back
 * after an outage) several are inserted as one, after a group manifest is
 * fsync'd, so that a crash mid-way replays the same group with the same
 * tokens. A failed insert is retried with exponential backoff until
 * ClickHouse takes it; records ClickHouse keeps refusing for their data (a
 * parse or type error, see `isRecordError`) while otherwise healthy are
 * quarantined (moved aside in the spool) so they cannot block the ones
 * behind them. Any other failure (a full disk, a memory limit) only waits.
 */
export class RecordWriter {
  readonly #queue: Job[] = [];
  readonly #options: WriterOptions;
  #wake: (() => void) | undefined;
  #stopped = false;
  #healthy = true;
  #loop: Promise<void> | undefined;
  #inserts = 0;
  #insertedReports = 0;
  /** Called after an insert attempt that left the writer idle (queue empty) or unhealthy. */
  onIdle: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly spool: Spool,
    private readonly log: WriterLog,
    options: Partial<WriterOptions> = {},
  ) {
    this.#options = { ...WRITER_DEFAULTS, ...options };
  }

  /** Records waiting to be inserted. */
  get backlog(): number {
    return this.#queue.length;
  }

  /** Inserts committed since start (one per record or group, each one insert per table) and the reports they carried. */
  get inserted(): { readonly inserts: number; readonly reports: number } {
    return { inserts: this.#inserts, reports: this.#insertedReports };
  }

  /** False after a failed insert, until one succeeds. */
  get healthy(): boolean {
    return this.#healthy;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /**
   * Queue a spooled record (optionally one of an earlier run's group).
   * Resolves true once inserted, or false as soon as its first attempt failed
   * (it is retried in the background).
   */
  enqueue(seq: number, record?: IngestRecord, group?: SpoolGroup): Promise<boolean> {
    const kept = this.#queue.length < this.#options.keepInMemory ? record : undefined;
    const { job, firstAttempt } = newJob(seq, kept, group);
    this.#queue.push(job);
    // While ClickHouse is failing, a new record is durable in the spool and nothing more is to be waited for.
    if (!this.#healthy) job.settle(false);
    this.#wake?.();
    return firstAttempt;
  }

  /** Resolves true once the queue is empty, or false after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length > 0 && !this.#stopped) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20, deadline - Date.now())));
    }
    return this.#queue.length === 0;
  }

  /** Stop after the attempt in progress; what is queued stays in the spool for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  /** The jobs at the head of the queue that go into the next insert, with their records. */
  async #nextGroup(): Promise<{ jobs: Job[]; records: IngestRecord[] }> {
    const head = this.#queue[0] as Job;
    const jobs: Job[] = [];
    const records: IngestRecord[] = [];
    // While ClickHouse fails, each attempt is a probe with the head record alone: memory stays at one record.
    const limit = this.#healthy ? this.#options.maxGroupRecords : 1;
    let reports = 0;
    let bytes = 0;
    for (const job of this.#queue) {
      if (head.group ? job.group?.seq !== head.group.seq : job.group !== undefined) break;
      if (!head.group && jobs.length > 0) {
        if (jobs.length >= limit || bytes + this.spool.sizeOf(job.seq) > this.#options.maxGroupBytes) break;
      }
      const record = job.record ?? (await this.spool.read(job.seq));
      if (!head.group && jobs.length > 0 && reports + record.reports.length > this.#options.maxGroupReports) break;
      jobs.push(job);
      records.push(record);
      reports += record.reports.length;
      bytes += this.spool.sizeOf(job.seq);
    }
    return { jobs, records };
  }

  /** Insert the head of the queue: one record as it is, or a group under its fsync'd manifest. */
  async #insertNext(): Promise<Job[]> {
    const { jobs, records } = await this.#nextGroup();
    const [only] = records;
    if (records.length === 1 && only && !jobs[0]?.group) {
      await this.store.writeRecord(only);
    } else {
      let group = jobs[0]?.group;
      if (!group) {
        const reports = records.flatMap((r) => r.reports);
        group = { seq: Math.max(...jobs.map((j) => j.seq)), seqs: jobs.map((j) => j.seq), tokenSeed: batchIdsHash(reports) };
        await this.spool.writeGroup(group);
        for (const job of jobs) job.group = group;
      }
      await this.store.writeRecord({ seq: group.seq, reports: records.flatMap((r) => r.reports), tokenSeed: group.tokenSeed });
    }
    this.#inserts += 1;
    this.#insertedReports += records.reduce((n, r) => n + r.reports.length, 0);
    for (const job of jobs) await this.spool.remove(job.seq);
    if (jobs[0]?.group) await this.spool.removeGroup(jobs[0].group.seq);
    return jobs;
  }

  async #quarantine(error: unknown): Promise<void> {
    const head = this.#queue[0] as Job;
    const jobs = head.group ? this.#queue.filter((j) => j.group?.seq === head.group?.seq) : [head];
    await this.spool.quarantine(
      jobs.map((j) => j.seq),
      head.group,
    ).catch((moveError: unknown) => this.log.warn({ err: moveError }, 'could not move or sync the quarantined records'));
    this.#queue.splice(0, jobs.length);
    this.log.error(
      { err: error, seqs: jobs.map((j) => j.seq), quarantine: join(this.spool.dir, QUARANTINE_DIR) },
      'ClickHouse keeps refusing spooled records; moved them to the quarantine (fix the cause, then `npm run spool:requeue` and restart the collector)',
    );
  }

  async #run(): Promise<void> {
    let backoff = this.#options.minBackoffMs;
    let failures = 0;
    while (!this.#stopped) {
      const head = this.#queue[0];
      if (!head) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      try {
        const done = await this.#insertNext();
        this.#queue.splice(0, done.length);
        for (const job of done) job.settle(true);
        this.#healthy = true;
        backoff = this.#options.minBackoffMs;
        failures = 0;
        if (this.#queue.length === 0) this.onIdle?.();
      } catch (error) {
        for (const job of this.#queue.slice(0, this.#options.maxGroupRecords)) {
          job.settle(false);
          job.record = undefined;
        }
        this.#healthy = false;
        this.onIdle?.();
        failures += 1;
        this.log.warn({ err: error, seq: head.seq, failures }, 'insert failed; the records stay spooled');
        // Only a record ClickHouse cannot take (its data: a parse or type error) is moved aside; a full
        // disk, a memory limit or a timeout is the server's state, and its records wait for it, however long.
        if (failures >= this.#options.quarantineAfter && isRecordError(error) && (await this.store.isReady())) {
          await this.#quarantine(error);
          failures = 0;
          backoff = this.#options.minBackoffMs;
          continue;
        }
        if (this.#stopped) break;
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, this.#options.maxBackoffMs);
      }
    }
  }
}
