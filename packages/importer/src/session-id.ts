import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';

/**
 * The default session id of an import: `import-` and a digest of the
 * file's name, size and first 64 KiB, and of the time shift when there is
 * one. Importing the same file again gives the same id (and the same
 * `batchSeq`s, which the collector stores once); importing it with
 * `--shift-to-now` gives a new id each time, since its samples are new.
 */
export async function defaultSessionId(path: string, shiftMs = 0): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65_536), 0, 65_536, 0);
    const hash = createHash('sha256').update(basename(path)).update(String(size)).update(buffer.subarray(0, bytesRead));
    if (shiftMs !== 0) hash.update(`shift:${shiftMs}`);
    return `import-${hash.digest('hex').slice(0, 24)}`;
  } finally {
    await handle.close();
  }
}
