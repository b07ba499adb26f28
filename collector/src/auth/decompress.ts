import { isUtf8 } from 'node:buffer';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CollectorError } from '../errors.js';

/** A payload stream as Fastify reads it after `preParsing`. */
export type DecodedPayload = Readable & { receivedEncodedLength?: number };

function tooLarge(limit: number): CollectorError {
  return new CollectorError(413, 'RTCPULSE_BODY_TOO_LARGE', `the decompressed body exceeds ${limit} bytes`);
}

/** Passes bytes through and fails with 413 as soon as more than `limit` went by. */
class ByteCap extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      callback(tooLarge(this.limit));
      return;
    }
    callback(null, chunk);
  }
}

/** How many bytes at the end of `chunk` start a multi-byte character that continues in the next chunk. */
export function incompleteTail(chunk: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const byte = chunk[chunk.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** Passes bytes through and fails with 400 unless they are well-formed UTF-8 (JSON must be). */
class Utf8Check extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const tail = incompleteTail(bytes);
    if (!isUtf8(bytes.subarray(0, bytes.length - tail))) {
      callback(notUtf8());
      return;
    }
    this.carry = Buffer.from(bytes.subarray(bytes.length - tail));
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    callback(this.carry.length > 0 ? notUtf8() : null);
  }
}

function notUtf8(): CollectorError {
  return new CollectorError(400, 'RTCPULSE_BAD_UTF8', 'the body is not valid UTF-8');
}

/**
 * Check that a body is UTF-8 as it streams by (JSON bodies must be, RFC 8259);
 * the returned stream keeps the count of raw bytes Fastify compares with
 * `Content-Length`.
 */
export function checkUtf8(payload: DecodedPayload): DecodedPayload {
  const check = new Utf8Check();
  const checked: DecodedPayload = check;
  const forward = (error: Error) => check.destroy(error);
  payload.on('error', forward);
  payload.on('data', () => {
    checked.receivedEncodedLength = payload.receivedEncodedLength;
  });
  payload.pipe(check);
  return checked;
}

/**
 * The request body decoded per `Content-Encoding`: unchanged for `identity`
 * (or none), gunzipped for `gzip`, refused with 415 otherwise. The
 * decompressed stream is capped at `limit` bytes: past it, decompression is
 * stopped at once and the request fails with 413, so a gzip bomb costs one
 * zlib window of memory, not its expanded size. Fastify's own body limit
 * then applies to the decompressed bytes too.
 */
export function decodeBody(payload: Readable, contentEncoding: string | undefined, limit: number): DecodedPayload {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new CollectorError(415, 'RTCPULSE_UNSUPPORTED_ENCODING', `content-encoding "${encoding}" is not supported; use gzip`);
  }
  const gunzip = createGunzip({ chunkSize: 16 * 1024 });
  const cap = new ByteCap(limit);
  const decoded: DecodedPayload = cap;
  decoded.receivedEncodedLength = 0;
  let rawSeen = 0;
  const abort = (error: Error): void => {
    payload.unpipe(gunzip);
    payload.resume(); // drain (and discard) what the client still sends
    gunzip.destroy();
    cap.destroy(error);
  };
  payload.on('data', (chunk: Buffer) => {
    rawSeen += chunk.length;
    decoded.receivedEncodedLength = rawSeen;
    if (rawSeen > limit) abort(tooLarge(limit));
  });
  gunzip.on('error', (error) => {
    abort(new CollectorError(400, 'RTCPULSE_BAD_GZIP', `the gzip body is corrupt: ${error.message}`));
  });
  cap.on('error', () => {
    gunzip.destroy();
  });
  payload.pipe(gunzip).pipe(cap);
  return decoded;
}
