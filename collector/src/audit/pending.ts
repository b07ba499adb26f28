import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../ingest/fsync-dir.js';
import type { AuditRecord } from './record.js';

/** Sub-directory of the spool directory holding audit records waiting for ClickHouse. */
export const PENDING_AUDIT_DIR = 'audit-pending';

/** Files kept at most; beyond, `keep` refuses (the report is then answered 503). */
export const MAX_PENDING_AUDIT_FILES = 10_000;

/** Where {@link PendingAudit} reports. */
export interface PendingAuditLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/**
 * Audit records of accepted reports that could not be appended (ClickHouse
 * down), kept on disk (one fsync'd JSON file per report, in arrival order)
 * and appended in the background once ClickHouse takes them again, also
 * after a restart. Appending twice is harmless: the records carry their
 * `dedupKey`. This is what lets a report with a join or a consent change be
 * answered 202 during an outage without losing its audit rows.
 */
export class PendingAudit {
  readonly #dir: string;
  #count = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #delayMs = 1000;
  #closed = false;

  constructor(
    spoolDir: string,
    private readonly append: (records: readonly AuditRecord[]) => Promise<unknown>,
    private readonly log: PendingAuditLog,
    private readonly maxDelayMs = 30_000,
    /** What a record becomes on disk: `keyedRecord` with the audit key (no raw IP address or actor id on disk). */
    private readonly onDisk: (record: AuditRecord) => AuditRecord = (record) => record,
  ) {
    this.#dir = join(spoolDir, PENDING_AUDIT_DIR);
  }

  /** Files waiting. */
  get waiting(): number {
    return this.#count;
  }

  /** Count what an earlier run left, and start appending it. */
  async start(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    this.#count = (await this.#files()).length;
    if (this.#count > 0) {
      this.log.warn({ files: this.#count, dir: this.#dir }, 'audit records left by an earlier run: appending them');
      this.#schedule(0);
    }
  }

  /** Keep `records` durably for a later append; resolves once they are on disk. Throws when full or the disk fails. */
  async keep(records: readonly AuditRecord[]): Promise<void> {
    if (this.#count >= MAX_PENDING_AUDIT_FILES) throw new Error(`${MAX_PENDING_AUDIT_FILES} audit files already wait in ${this.#dir}`);
    await mkdir(this.#dir, { recursive: true });
    const path = join(this.#dir, `${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}.json`);
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(JSON.stringify(records.map(this.onDisk)));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDir(this.#dir);
    this.#count += 1;
    this.#schedule(this.#delayMs);
  }

  /** Try once more now, and wait for it (close, tests). */
  async drain(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await (this.#running ??= this.#appendAll().finally(() => (this.#running = undefined)));
  }

  /** Stop retrying; what still waits stays on disk for the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  async #files(): Promise<string[]> {
    return (await readdir(this.#dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  }

  #schedule(ms: number): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.drain();
    }, ms);
    this.#timer.unref();
  }

  async #appendAll(): Promise<void> {
    const files = await this.#files();
    for (const name of files) {
      const path = join(this.#dir, name);
      let records: AuditRecord[];
      try {
        records = JSON.parse(await readFile(path, 'utf8')) as AuditRecord[];
      } catch (error) {
        // Torn by a crash while it was written (so never acknowledged), or damaged: set aside, not retried forever.
        await rename(path, `${path}.unreadable`).catch(() => undefined);
        this.log.warn({ err: error, file: name }, 'pending audit file unreadable; renamed to .unreadable');
        continue;
      }
      try {
        await this.append(records);
      } catch (error) {
        // ClickHouse still away: try again later, backing off.
        this.#count = (await this.#files()).length;
        this.#delayMs = Math.min(this.maxDelayMs, this.#delayMs * 2);
        this.log.warn({ err: error, file: name, waiting: this.#count }, 'pending audit records not appended yet');
        this.#schedule(this.#delayMs);
        return;
      }
      await unlink(path);
    }
    this.#count = (await this.#files()).length;
    this.#delayMs = 1000;
    if (files.length > 0) this.log.info({ files: files.length }, 'pending audit records appended');
  }
}
