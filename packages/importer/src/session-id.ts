import { createHash } from 'node:crypto';
import { isTruncation, openDumpContent } from './dump-source.js';

/**
 * The default session id of an import: `import-` and a digest of the dump's
 * content (gunzipped when the file is gzip), and of the time shift when
 * there is one. The file's name and compression do not count: a renamed or
 * gzipped copy of a dump is the same call, so it gets the same id (and the
 * same `batchSeq`s, which the collector stores once) instead of being
 * stored a second time. The whole content counts, so a cut-off copy is
 * another session rather than one whose last batch clashes with the
 * complete dump's. Importing with `--shift-to-now` gives a new id each
 * time, since its samples are new. Reads the file once more (0.6 s per
 * 200 MB plain, about 2 s gzipped).
 */
export async function defaultSessionId(path: string, shiftMs = 0): Promise<string> {
  const hash = createHash('sha256');
  const { content } = await openDumpContent(path);
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) hash.update(chunk);
  } catch (error) {
    // A cut-off gzip file is imported as far as it goes: its id is that of what it holds.
    if (!isTruncation(error)) throw error;
  }
  if (shiftMs !== 0) hash.update(`shift:${shiftMs}`);
  return `import-${hash.digest('hex').slice(0, 24)}`;
}
