import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { IngestRecord } from '../store/record.js';

const MAGIC = 'RTCPULSE-SPOOL 1';
const SUFFIX = '.rec';
const GROUP_SUFFIX = '.grp';
/** Quarantined records (refused by ClickHouse while it was up) are moved here, never deleted. */
export const QUARANTINE_DIR = 'quarantine';

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

/** Decode what {@link encodeRecord} wrote; `undefined` for a torn or damaged file. */
export function decodeRecord(data: Buffer): IngestRecord | undefined {
  const newline = data.indexOf(0x0a);
  if (newline < 0) return undefined;
  const [magic, version, length, checksum] = data.subarray(0, newline).toString().split(' ');
  if (`${magic} ${version}` !== MAGIC) return undefined;
  const body = data.subarray(newline + 1);
  if (body.length !== Number(length) || crc32(body) !== Number(checksum)) return undefined;
  return JSON.parse(body.toString()) as IngestRecord;
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
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

  /** Size of a record on disk (0 when unknown). */
  sizeOf(seq: number): number {
    return this.#sizes.get(seq) ?? 0;
  }

  /** Whether `bytes` more fit under the cap. */
  hasRoom(bytes: number): boolean {
    return this.#usedBytes + bytes <= this.maxBytes;
  }

  /**
   * Create the directory and list the records left by an earlier run, oldest
   * first. Torn files (a crash while writing, so never acknowledged) are deleted.
   */
  async open(): Promise<SpoolEntry[]> {
    await mkdir(join(this.dir, QUARANTINE_DIR), { recursive: true });
    const all = await readdir(this.dir);
    const names = all.filter((n) => n.endsWith(SUFFIX)).sort();
    const entries: SpoolEntry[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      const data = await readFile(path);
      if (!decodeRecord(data)) {
        await unlink(path);
        continue;
      }
      const entry = { seq: Number(name.slice(0, -SUFFIX.length)), bytes: data.length };
      this.#track(entry);
      entries.push(entry);
    }
    return entries;
  }

  /** Group manifests left by an earlier run, oldest first (read after {@link Spool.open}). */
  async groups(): Promise<SpoolGroup[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(GROUP_SUFFIX)).sort();
    const groups: SpoolGroup[] = [];
    for (const name of names) {
      try {
        groups.push(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as SpoolGroup);
      } catch {
        // A manifest torn by a crash was never followed by its insert: its records replay one by one.
        await unlink(join(this.dir, name));
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
    const file = await open(path, 'wx');
    try {
      await file.writeFile(parts[0]);
      await file.writeFile(parts[1]);
      await file.sync();
    } finally {
      await file.close();
    }
    await fsyncDir(this.dir);
    const entry = { seq: record.seq, bytes: parts[0].length + parts[1].length };
    this.#track(entry);
    return entry;
  }

  /** Read a record back. */
  async read(seq: number): Promise<IngestRecord> {
    const record = decodeRecord(await readFile(join(this.dir, fileName(seq))));
    if (!record) throw new Error(`spool record ${seq} is damaged`);
    return record;
  }

  /** Delete a record once ClickHouse has it. */
  async remove(seq: number): Promise<void> {
    await unlink(join(this.dir, fileName(seq))).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    this.#untrack(seq);
  }

  /** Move a record ClickHouse refuses out of the way, keeping it for an operator. */
  async quarantine(seq: number): Promise<void> {
    await rename(join(this.dir, fileName(seq)), join(this.dir, QUARANTINE_DIR, fileName(seq)));
    this.#untrack(seq);
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
