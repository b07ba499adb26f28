import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { IngestRecord } from '../store/record.js';
import { fsyncDir } from './fsync-dir.js';

const MAGIC = 'RTCPULSE-SPOOL 1';
const SUFFIX = '.rec';
const GROUP_SUFFIX = '.grp';
/** Quarantined records (refused by ClickHouse while it was up) are moved here, never deleted. */
export const QUARANTINE_DIR = 'quarantine';
/** Files found in the spool at start that are complete but unreadable, or not records at all: moved here, never deleted. */
export const DAMAGED_DIR = 'damaged';
/** Quarantined records an operator moved back (`spool:requeue`), taken into the spool at the next start under new sequence numbers. */
export const REQUEUED_DIR = 'requeued';
/** The renumbering of the requeued records, written before any is renamed (see `Spool.adoptRequeued`). */
const ADOPTION_PLAN = 'adopt.json';
/** A record's file name: its sequence number, zero-padded. */
const RECORD_NAME = /^\d{17}\.rec$/;

/** A record on disk: its sequence number and size. */
export interface SpoolEntry {
  readonly seq: number;
  readonly bytes: number;
}

/**
 * Several records inserted as one: written before that insert, removed after
 * the records, so a replay after a crash re-forms exactly this group and
 * inserts it with the same deduplication tokens.
 */
export interface SpoolGroup {
  /** The group's sequence number (its last record's). */
  readonly seq: number;
  readonly seqs: readonly number[];
  readonly tokenSeed: string;
}

/** Spool record files in one directory now (0 when it does not exist), for counts outside a running spool too. */
export function recordFilesIn(dir: string): number {
  try {
    return readdirSync(dir).filter((n) => n.endsWith(SUFFIX)).length;
  } catch {
    return 0;
  }
}

const fileName = (seq: number, suffix = SUFFIX): string => `${String(seq).padStart(17, '0')}${suffix}`;

/** A record's file as its two parts: one header line (magic, body length, CRC-32 of the body), then the JSON body. */
function encodeParts(record: IngestRecord): [Buffer, Buffer] {
  const body = Buffer.from(JSON.stringify(record));
  return [Buffer.from(`${MAGIC} ${body.length} ${crc32(body)}\n`), body];
}

/** Encode a record: one header line (magic, body length, CRC-32 of the body), then the JSON body. */
export function encodeRecord(record: IngestRecord): Buffer {
  return Buffer.concat(encodeParts(record));
}

/**
 * What a record file holds: the record; `torn` when its write never
 * finished (empty, a header cut short, or a body shorter than the header
 * says: a crash while writing, so never acknowledged); or why a complete
 * file cannot be read (another header, a checksum that fails, a body that
 * is not a record), which may be a record that was acknowledged.
 */
export type RecordFile = { readonly record: IngestRecord } | { readonly torn: true } | { readonly damaged: string };

/** Read a file {@link encodeRecord} wrote; see {@link RecordFile}. */
export function readRecordFile(data: Buffer): RecordFile {
  const newline = data.indexOf(0x0a);
  if (newline < 0) return MAGIC.startsWith(data.toString('latin1', 0, MAGIC.length)) && data.length < 64 ? { torn: true } : { damaged: 'no header line' };
  const [magic, version, length, checksum] = data.subarray(0, newline).toString().split(' ');
  if (`${magic} ${version}` !== MAGIC) return { damaged: 'not a spool record (unknown header)' };
  const body = data.subarray(newline + 1);
  if (body.length < Number(length)) return { torn: true };
  if (body.length !== Number(length)) return { damaged: `body of ${body.length} bytes where the header says ${length}` };
  if (crc32(body) !== Number(checksum)) return { damaged: 'checksum mismatch' };
  let record: unknown;
  try {
    record = JSON.parse(body.toString());
  } catch {
    return { damaged: 'body is not JSON' };
  }
  const shaped = record as Partial<IngestRecord> | null;
  if (typeof shaped?.seq !== 'number' || !Array.isArray(shaped.reports)) return { damaged: 'body is not a record (no seq or reports)' };
  return { record: shaped as IngestRecord };
}

/** Decode what {@link encodeRecord} wrote; `undefined` for a torn or damaged file. */
export function decodeRecord(data: Buffer): IngestRecord | undefined {
  const file = readRecordFile(data);
  return 'record' in file ? file.record : undefined;
}

/** A file set aside at start, and why. */
export interface SetAside {
  readonly name: string;
  readonly reason: string;
}

/**
 * The local spool: one append-only file per accepted record under `dir`,
 * written and fsync'd (file and directory) before anyone is told the record
 * is durable, and deleted only once ClickHouse has committed it. Its total
 * size is capped at `maxBytes`.
 */
export class Spool {
  #usedBytes = 0;
  readonly #sizes = new Map<number, number>();

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Bytes of records on disk. */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** Records on disk. */
  get recordCount(): number {
    return this.#sizes.size;
  }

  /**
   * Files set aside for an operator, in `quarantine/` and `damaged/`, and
   * those requeued but not yet taken back (until the next start), counted on
   * disk now: it drops once they are moved out or taken back.
   */
  get setAsideFiles(): number {
    return [QUARANTINE_DIR, DAMAGED_DIR, REQUEUED_DIR].reduce((n, sub) => n + recordFilesIn(join(this.dir, sub)), 0);
  }

  /** Size of a record on disk (0 when unknown). */
  sizeOf(seq: number): number {
    return this.#sizes.get(seq) ?? 0;
  }

  /** Whether `bytes` more fit under the cap. */
  hasRoom(bytes: number): boolean {
    return this.#usedBytes + bytes <= this.maxBytes;
  }

  /** Files {@link Spool.open} moved to `damaged/`, with why (for the start-up log). */
  readonly setAside: SetAside[] = [];

  /**
   * Create the directory and list the records left by an earlier run, oldest
   * first. Torn files (a crash while writing, so never acknowledged) are
   * deleted. A complete file that cannot be read (a failing checksum, a body
   * that is not a record), a `.rec` that is not named like a record, or a
   * directory in its place is moved to `damaged/` and listed in
   * {@link Spool.setAside}: it may hold an acknowledged record, and one bad
   * file must not stop the start.
   */
  async open(): Promise<SpoolEntry[]> {
    await mkdir(join(this.dir, QUARANTINE_DIR), { recursive: true });
    const all = await readdir(this.dir, { withFileTypes: true });
    const entries: SpoolEntry[] = [];
    for (const item of all.filter((d) => d.name.endsWith(SUFFIX)).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(this.dir, item.name);
      const file: RecordFile = !item.isFile()
        ? { damaged: 'not a regular file' }
        : !RECORD_NAME.test(item.name)
          ? { damaged: 'not named like a spool record' }
          : readRecordFile(await readFile(path));
      if ('torn' in file) {
        await unlink(path);
      } else if ('damaged' in file) {
        await mkdir(join(this.dir, DAMAGED_DIR), { recursive: true });
        await rename(path, join(this.dir, DAMAGED_DIR, item.name));
        this.setAside.push({ name: item.name, reason: file.damaged });
      } else {
        const entry = { seq: Number(item.name.slice(0, -SUFFIX.length)), bytes: (await stat(path)).size };
        this.#track(entry);
        entries.push(entry);
      }
    }
    return entries;
  }

  /** Group manifests left by an earlier run, oldest first (read after {@link Spool.open}). */
  async groups(): Promise<SpoolGroup[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(GROUP_SUFFIX)).sort();
    const groups: SpoolGroup[] = [];
    for (const name of names) {
      let group: Partial<SpoolGroup> | null = null;
      try {
        group = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as Partial<SpoolGroup> | null;
      } catch {
        // Torn or unreadable: handled below.
      }
      if (Number.isInteger(group?.seq) && Array.isArray(group?.seqs) && group.seqs.every(Number.isInteger) && typeof group.tokenSeed === 'string') {
        groups.push(group as SpoolGroup);
      } else {
        // A manifest torn by a crash was never followed by its insert (nor is one of another shape): its records replay one by one.
        await unlink(join(this.dir, name)).catch(() => undefined);
      }
    }
    return groups;
  }

  /** Write and fsync a group manifest before inserting the group. */
  async writeGroup(group: SpoolGroup): Promise<void> {
    const file = await open(join(this.dir, fileName(group.seq, GROUP_SUFFIX)), 'w');
    try {
      await file.writeFile(JSON.stringify(group));
      await file.sync();
    } finally {
      await file.close();
    }
    await fsyncDir(this.dir);
  }

  /** Remove a group manifest once its records are removed. */
  async removeGroup(seq: number): Promise<void> {
    await unlink(join(this.dir, fileName(seq, GROUP_SUFFIX))).catch(() => undefined);
  }

  /** Highest sequence number on disk, quarantined records included (0 when none). */
  async maxSeq(): Promise<number> {
    const names = [...(await readdir(this.dir)), ...(await readdir(join(this.dir, QUARANTINE_DIR)))];
    return names.filter((n) => n.endsWith(SUFFIX)).reduce((max, n) => Math.max(max, Number(n.slice(0, -SUFFIX.length))), 0);
  }

  /** Write a record and fsync it and the directory; resolves once it survives a crash or power cut. */
  async append(record: IngestRecord): Promise<SpoolEntry> {
    // Header and body written one after the other: records are megabytes, not worth copying into one buffer.
    const parts = encodeParts(record);
    const path = join(this.dir, fileName(record.seq));
    // A spool directory removed while running is made again (the quarantine with it).
    const file = await open(path, 'wx').catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await mkdir(join(this.dir, QUARANTINE_DIR), { recursive: true });
      return open(path, 'wx');
    });
    try {
      await file.writeFile(parts[0]);
      await file.writeFile(parts[1]);
      await file.sync();
      await file.close();
      await fsyncDir(this.dir);
    } catch (error) {
      // Never acknowledged: a partial file would only hold space (a full disk) until the next start.
      await file.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw error;
    }
    const entry = { seq: record.seq, bytes: parts[0].length + parts[1].length };
    this.#track(entry);
    return entry;
  }

  /** Read a record back; its sequence number is its file's (a requeued record is renamed to a new one, its body kept). */
  async read(seq: number): Promise<IngestRecord> {
    const record = decodeRecord(await readFile(join(this.dir, fileName(seq))));
    if (!record) throw new Error(`spool record ${seq} is damaged`);
    return record.seq === seq ? record : { ...record, seq };
  }

  /**
   * Take the records an operator requeued ({@link requeueQuarantined}) into
   * the spool under new sequence numbers from `nextSeq`, in their old
   * order: a session summary is versioned by sequence number, so under its
   * old number a record would count as applied already when later records
   * of its session were stored meanwhile. The renumbering is written first
   * (`requeued/adopt.json`, fsync'd) and a start that finds it finishes that
   * same renumbering, so a crash part-way never splits a group between two
   * manifests with one token seed. Then the group manifests are rewritten
   * with the new numbers and the same token seed (so a group inserts with
   * the same deduplication tokens), each record is renamed (atomic), and the
   * old manifests and the plan go. A file in `requeued/` that is not a
   * readable record is moved to `damaged/` (listed in {@link Spool.setAside}),
   * as at {@link Spool.open}. Call after `open()` and before
   * {@link Spool.groups}. Returns the records taken by this call.
   */
  async adoptRequeued(nextSeq: () => number): Promise<SpoolEntry[]> {
    const from = join(this.dir, REQUEUED_DIR);
    const names = (await readdir(from).catch(() => [] as string[])).sort();
    if (names.length === 0) return [];
    const plan = (await this.#adoptionPlan(from)) ?? (await this.#newAdoptionPlan(from, names, nextSeq));
    const renumbered = new Map(plan);
    const manifests = names.filter((n) => n.endsWith(GROUP_SUFFIX));
    for (const name of manifests) {
      const group = await readFile(join(from, name), 'utf8').then((text) => JSON.parse(text) as Partial<SpoolGroup> | null, () => null);
      const seqs = (Array.isArray(group?.seqs) ? group.seqs : []).flatMap((old) => renumbered.get(old) ?? []);
      if (seqs.length > 0 && typeof group?.tokenSeed === 'string') await this.writeGroup({ seq: Math.max(...seqs), seqs, tokenSeed: group.tokenSeed });
    }
    const entries: SpoolEntry[] = [];
    for (const [old, seq] of plan) {
      // Renamed already by a start that stopped part-way: `open()` has it.
      const renamed = await rename(join(from, fileName(old)), join(this.dir, fileName(seq))).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      );
      if (!renamed) continue;
      const entry = { seq, bytes: (await stat(join(this.dir, fileName(seq)))).size };
      this.#track(entry);
      entries.push(entry);
    }
    await fsyncDir(this.dir);
    for (const name of manifests) await unlink(join(from, name));
    await unlink(join(from, ADOPTION_PLAN)).catch(() => undefined);
    await fsyncDir(from);
    return entries;
  }

  /** The renumbering a start wrote and did not finish, if any. */
  async #adoptionPlan(from: string): Promise<Array<[number, number]> | undefined> {
    const text = await readFile(join(from, ADOPTION_PLAN), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const plan = JSON.parse(text) as unknown;
    const valid = Array.isArray(plan) && plan.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isInteger));
    if (!valid) throw new Error(`${join(from, ADOPTION_PLAN)} is not a renumbering plan; move it aside to start`);
    return plan as Array<[number, number]>;
  }

  /** A renumbering of the readable records in `requeued/`, written and fsync'd before anything is renamed; the rest goes to `damaged/`. */
  async #newAdoptionPlan(from: string, names: readonly string[], nextSeq: () => number): Promise<Array<[number, number]>> {
    const plan: Array<[number, number]> = [];
    for (const name of names.filter((n) => n.endsWith(SUFFIX))) {
      const file: RecordFile = RECORD_NAME.test(name) ? readRecordFile(await readFile(join(from, name))) : { damaged: 'not named like a spool record' };
      if ('record' in file) {
        plan.push([Number(name.slice(0, -SUFFIX.length)), nextSeq()]);
        continue;
      }
      await mkdir(join(this.dir, DAMAGED_DIR), { recursive: true });
      await rename(join(from, name), join(this.dir, DAMAGED_DIR, name));
      this.setAside.push({ name, reason: 'torn' in file ? 'requeued, but cut short' : `requeued, but ${file.damaged}` });
    }
    const handle = await open(join(from, ADOPTION_PLAN), 'w');
    try {
      await handle.writeFile(JSON.stringify(plan));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDir(from);
    return plan;
  }

  /** Delete a record once ClickHouse has it. */
  async remove(seq: number): Promise<void> {
    await unlink(join(this.dir, fileName(seq))).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    this.#untrack(seq);
  }

  /**
   * Move records ClickHouse refuses out of the way, keeping them for an
   * operator, with the manifest of the group they were inserted as (so that
   * {@link requeueQuarantined} brings them back as that same group, with
   * the same deduplication tokens).
   */
  async quarantine(seqs: readonly number[], group?: SpoolGroup): Promise<void> {
    for (const seq of seqs) {
      await rename(join(this.dir, fileName(seq)), join(this.dir, QUARANTINE_DIR, fileName(seq))).catch(() => undefined);
      this.#untrack(seq);
    }
    if (group) await rename(join(this.dir, fileName(group.seq, GROUP_SUFFIX)), join(this.dir, QUARANTINE_DIR, fileName(group.seq, GROUP_SUFFIX))).catch(() => undefined);
    await fsyncDir(join(this.dir, QUARANTINE_DIR));
    await fsyncDir(this.dir);
  }

  /** Size of the spool directory's records as the file system sees them (for checks). */
  async diskBytes(): Promise<number> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(SUFFIX));
    const sizes = await Promise.all(names.map(async (n) => (await stat(join(this.dir, n))).size));
    return sizes.reduce((a, b) => a + b, 0);
  }

  #track(entry: SpoolEntry): void {
    this.#sizes.set(entry.seq, entry.bytes);
    this.#usedBytes += entry.bytes;
  }

  #untrack(seq: number): void {
    this.#usedBytes -= this.#sizes.get(seq) ?? 0;
    this.#sizes.delete(seq);
  }
}

/** What {@link requeueQuarantined} did: the files it moved back, and those it left, with why. */
export interface RequeueResult {
  readonly moved: readonly string[];
  readonly left: readonly SetAside[];
}

/**
 * Move the records in `<spoolDir>/quarantine/` (and their group manifests)
 * to `<spoolDir>/requeued/`, once an operator has fixed what made
 * ClickHouse refuse them; the collector takes them back at its next start
 * ({@link Spool.adoptRequeued}) and stores them exactly once, a group as
 * the same group (the same deduplication tokens, so rows an earlier attempt
 * did insert are not stored twice, within ClickHouse's deduplication
 * window). A file that is not a readable record, or whose name is already
 * taken in `requeued/`, is left where it is and listed with the reason.
 * Safe while a collector runs: it takes them only at its next start.
 */
export async function requeueQuarantined(spoolDir: string): Promise<RequeueResult> {
  const from = join(spoolDir, QUARANTINE_DIR);
  const to = join(spoolDir, REQUEUED_DIR);
  const names = (await readdir(from)).sort();
  await mkdir(to, { recursive: true });
  const taken = new Set(await readdir(to));
  const moved: string[] = [];
  const left: SetAside[] = [];
  const move = async (name: string, problem: string | undefined): Promise<void> => {
    const reason = problem ?? (taken.has(name) ? `a file of that name is already in ${REQUEUED_DIR}/` : undefined);
    if (reason) {
      left.push({ name, reason });
      return;
    }
    await rename(join(from, name), join(to, name));
    moved.push(name);
  };
  // Records before manifests: a start in between replays the records alone rather than dropping a manifest without its records.
  for (const name of names.filter((n) => n.endsWith(SUFFIX))) {
    const file = RECORD_NAME.test(name) ? readRecordFile(await readFile(join(from, name))) : { damaged: 'not named like a spool record' };
    await move(name, 'record' in file ? undefined : 'torn' in file ? 'the record is cut short' : file.damaged);
  }
  for (const name of names.filter((n) => n.endsWith(GROUP_SUFFIX))) await move(name, undefined);
  await fsyncDir(to);
  await fsyncDir(from);
  return { moved, left };
}
