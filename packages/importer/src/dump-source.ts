import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A dump file opened for reading: its lines, and how far into the file reading has come. */
export interface DumpSource {
  lines: AsyncIterable<string>;
  /** Bytes of the file read so far (compressed bytes for a gzip file). */
  bytesRead(): number;
  totalBytes: number;
  gzip: boolean;
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Opens a dump file (plain or gzip-compressed, as Chrome downloads them) as a stream of lines. */
export async function openDumpSource(path: string): Promise<DumpSource> {
  const totalBytes = (await stat(path)).size;
  const gzip = await startsWithGzipMagic(path);
  const file = createReadStream(path);
  let read = 0;
  file.on('data', (chunk) => {
    read += chunk.length;
  });
  const text: Readable = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (error) => text.destroy(error));
  return {
    lines: createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY }),
    bytesRead: () => read,
    totalBytes,
    gzip,
  };
}
