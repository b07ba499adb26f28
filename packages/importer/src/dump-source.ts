import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { MAX_LINE_CHARS, tooLongError } from './text-limit.js';

/** A dump file opened for reading: its lines, and how far into the file reading has come. */
export interface DumpSource {
  lines: AsyncIterable<string>;
  /** Bytes of the file read so far (compressed bytes for a gzip file). */
  bytesRead(): number;
  totalBytes: number;
  gzip: boolean;
  /** True once the lines have ended because the gzip stream was cut off. */
  truncated(): boolean;
  /** True once the lines have ended with a line that has no line end (a file cut mid-line, or one without a final newline). */
  endedMidLine(): boolean;
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

/** zlib's error for a gzip stream that ends before its trailer: the file was cut off. */
export function isTruncation(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'Z_BUF_ERROR' || message === 'unexpected end of file';
}

/**
 * Splits a byte stream into UTF-8 lines (`\n` or `\r\n`). A gzip stream cut
 * off before its end stops the lines after the last complete one was
 * given, with the partial last line given as a line (as a cut-off plain
 * file would), and sets `onTruncated`; any other stream error is thrown.
 * A line longer than `maxLineChars` is refused as soon as it is (joining it
 * would fail with V8's bare "Invalid string length"). `onMidLine` is called
 * before a last line without a line end is given.
 */
async function* linesOf(input: Readable, onTruncated: () => void, onMidLine: () => void, maxLineChars: number): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  // The pieces of the line being read, so that a long line is joined once.
  let pieces: string[] = [];
  let pending = 0;
  let lineNumber = 1;
  const check = (length: number): void => {
    if (length > maxLineChars) throw tooLongError(`line ${lineNumber} of the file`, maxLineChars);
  };
  const hold = (piece: string): void => {
    pending += piece.length;
    check(pending);
    pieces.push(piece);
  };
  const take = (last: string): string => {
    check(pending + last.length);
    const line = pieces.length ? pieces.join('') + last : last;
    pieces = [];
    pending = 0;
    lineNumber++;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const text = decoder.write(chunk);
      let start = 0;
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', start)) {
        yield take(text.slice(start, at));
        start = at + 1;
      }
      if (start < text.length) hold(text.slice(start));
    }
  } catch (error) {
    if (!isTruncation(error)) throw error;
    onTruncated();
  }
  const last = take(decoder.end());
  if (last !== '') {
    onMidLine();
    yield last;
  }
}

/** A dump file's content: the file's stream (its bytes as stored) and the content (gunzipped when the file is gzip). */
export interface DumpContent {
  file: Readable;
  content: Readable;
  gzip: boolean;
}

/** Opens a dump file's content, gunzipping it when its first bytes say it is gzip (whatever its name). */
export async function openDumpContent(path: string): Promise<DumpContent> {
  const gzip = await startsWithGzipMagic(path);
  const file = createReadStream(path);
  const content: Readable = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (error) => content.destroy(error));
  return { file, content, gzip };
}

/** Opens a dump file (plain or gzip-compressed, as Chrome downloads them) as a stream of lines of at most `maxLineChars`. */
export async function openDumpSource(path: string, maxLineChars = MAX_LINE_CHARS): Promise<DumpSource> {
  const totalBytes = (await stat(path)).size;
  const { file, content: text, gzip } = await openDumpContent(path);
  let read = 0;
  let truncated = false;
  let midLine = false;
  file.on('data', (chunk: Buffer) => {
    read += chunk.length;
  });
  return {
    lines: linesOf(
      text,
      () => {
        truncated = true;
      },
      () => {
        midLine = true;
      },
      maxLineChars,
    ),
    bytesRead: () => read,
    totalBytes,
    gzip,
    truncated: () => truncated,
    endedMidLine: () => midLine,
  };
}
