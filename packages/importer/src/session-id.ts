import { createHash } from 'node:crypto';
import { isTruncation, openDumpContent } from './dump-source.js';

/**
 * A digest (hex) of a dump's content (gunzipped when the file is gzip), and
 * of the time shift when there is one. The file's name and compression do
 * not count: a renamed or gzipped copy of a dump is the same call. The
 * whole content counts, so a cut-off copy is another call. Reads the file
 * once more (0.6 s per 200 MB plain, about 2 s gzipped).
 */
export async function dumpDigest(path: string, shiftMs = 0): Promise<string> {
  const hash = createHash('sha256');
  const { content } = await openDumpContent(path);
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) hash.update(chunk);
  } catch (error) {
    // A cut-off gzip file is imported as far as it goes: its digest is that of what it holds.
    if (!isTruncation(error)) throw error;
  }
  if (shiftMs !== 0) hash.update(`shift:${shiftMs}`);
  return hash.digest('hex');
}

/**
 * The default session id of an import: `import-` and the start of the
 * dump's digest ({@link dumpDigest}). A renamed or gzipped copy gets the same
 * id (and the same `batchSeq`s, which the collector stores once) instead of
 * being stored a second time; a cut-off copy is another session rather than
 * one whose last batch clashes with the complete dump's. Importing with
 * `--shift-to-now` gives a new id each time, since its samples are new.
 */
export async function defaultSessionId(path: string, shiftMs = 0): Promise<string> {
  return sessionIdOf(await dumpDigest(path, shiftMs));
}

/** The default session id of a dump with this digest (see {@link defaultSessionId}). */
export function sessionIdOf(digest: string): string {
  return `import-${digest.slice(0, 24)}`;
}

/** How many batches one dump may take under a session named with `--session` (2^17: 39 million samples at 300 a batch). */
const BATCHES_PER_DUMP = 2 ** 17;

/**
 * The first `batchSeq` of a dump imported under a session the user named.
 * The collector keeps one report per tenant, session and `batchSeq`, so two
 * different dumps imported under one `--session` (both sides of a ticket)
 * numbered from 0 would have the second's first batches taken for
 * duplicates and dropped. Each dump instead numbers its batches from a
 * start taken from its digest, one of 2^15 (below the wire's 2^32 limit),
 * and the same dump always from the same one, so a re-run is still stored
 * once. Under a derived session id, which is the digest itself, numbering
 * starts at 0.
 */
export function firstBatchSeq(digest: string): number {
  return (parseInt(digest.slice(0, 4), 16) % 2 ** 15) * BATCHES_PER_DUMP;
}
