import { connect, type Socket } from 'node:net';
import { gzipSync, createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { appOn, countsFor, makeBatch, removeDir, select, tempDataDir } from './fixtures.js';

let app: CollectorApp;
let dataDir: string;
let port: number;

beforeAll(async () => {
  dataDir = await tempDataDir();
  // Zero-config security (the demo tenant) and short timeouts, so a slow client is cut off quickly.
  app = await appOn(dataDir, {
    security: {},
    timeouts: { headersMs: 500, requestMs: 1500, idleMs: 3000, keepAliveMs: 500, checkIntervalMs: 100 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  await app.close();
  await removeDir(dataDir);
});

const demoBatch = (sessionId: string) => makeBatch({ tenant: 'demo', sessionId });
const post = (payload: string | Buffer, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/reports?key=demo', headers: { 'content-type': 'application/json', ...headers }, payload });

describe('zero-config demo tenant', () => {
  it('accepts the demo key from its own origin and from localhost pages, and no other origin', async () => {
    const body = (id: string) => JSON.stringify(demoBatch(id));
    expect((await post(body('demo-local'), { origin: 'http://localhost:5173' })).statusCode).toBe(202);
    expect((await post(body('demo-self'), { origin: 'http://collector.test:4318', host: 'collector.test:4318' })).statusCode).toBe(202);
    expect((await post(body('demo-evil'), { origin: 'https://evil.test' })).statusCode).toBe(403);
    const tenants = await select<{ tenant: string }>(app, `SELECT DISTINCT tenant FROM samples WHERE session_id LIKE 'demo-%'`);
    expect(tenants).toEqual([{ tenant: 'demo' }]);
    expect(await countsFor(app, 'demo-evil')).toEqual({ samples: 0, events: 0, batches: 0 });
  });
});

describe('compressed bodies', () => {
  it('accepts a gzip body, with the limit applied to the decompressed size', async () => {
    const response = await post(gzipSync(JSON.stringify(demoBatch('gzipped'))), { 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(202);
    expect(await countsFor(app, 'gzipped')).toEqual({ samples: 10, events: 6, batches: 1 });
    const padded = gzipSync(JSON.stringify({ ...demoBatch('gzip-too-big'), pad: 'x'.repeat(1024 * 1024) }));
    expect(padded.length).toBeLessThan(64 * 1024);
    const tooBig = await post(padded, { 'content-encoding': 'gzip' });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json<{ message: string }>().message).toBe('the decompressed body exceeds 1048576 bytes');
  });

  it('refuses unknown encodings (415) and corrupt gzip (400)', async () => {
    const body = JSON.stringify(demoBatch('br'));
    expect((await post(body, { 'content-encoding': 'br' })).statusCode).toBe(415);
    const corrupt = Buffer.from(gzipSync(body));
    corrupt.fill(7, 20, 60);
    expect((await post(corrupt, { 'content-encoding': 'gzip' })).statusCode).toBe(400);
  });

  it('answers a gzip bomb (512 MiB of zeros) with 413 while memory grows by little', async () => {
    const bomb = await gzipOfZeros(512);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
    }, 1);
    const response = await post(bomb, { 'content-encoding': 'gzip' });
    clearInterval(sampler);
    expect(response.statusCode).toBe(413);
    const after = process.memoryUsage();
    peak = Math.max(peak, after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers);
    console.log(`gzip bomb: ${bomb.length} bytes compressed, 512 MiB expanded; heap+buffers grew by at most ${(peak / 2 ** 20).toFixed(1)} MiB`);
    expect(peak).toBeLessThan(48 * 2 ** 20);
  });
});

describe('prototype poisoning', () => {
  const poisoned = (key: string) => JSON.stringify(demoBatch('poison')).replace('"meta":{', `"meta":{${key},`);
  it.each([
    ['__proto__ as JSON', poisoned('"__proto__":{"polluted":1}'), 'application/json', false],
    ['__proto__ as text/plain', poisoned('"__proto__":{"polluted":1}'), 'text/plain', false],
    ['constructor.prototype as text/plain', poisoned('"constructor":{"prototype":{"polluted":1}}'), 'text/plain', false],
    ['__proto__ gzipped', poisoned('"__proto__":{"polluted":1}'), 'text/plain', true],
  ])('refuses %s with 400, saying why, and stores nothing', async (_name, body, type, gzip) => {
    const response = await post(gzip ? gzipSync(body) : body, { 'content-type': type, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toBe('body has a forbidden key (__proto__, or constructor with prototype)');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await countsFor(app, 'poison')).toEqual({ samples: 0, events: 0, batches: 0 });
  });
});

describe('slow clients', () => {
  it('closes a connection that dribbles its headers (slowloris)', async () => {
    const socket = connect(port, '127.0.0.1');
    const answer = collect(socket);
    socket.write('POST /v1/reports?key=demo HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let sent = 0;
    for (; sent < 60 && !socket.destroyed && socket.writable; sent++) {
      socket.write(`x-slow-${sent}: 1\r\n`);
      await sleep(100);
    }
    expect(await answer.closed).toBe(true);
    expect(sent).toBeLessThan(60);
    expect(answer.text()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection that dribbles its body past the request timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    const answer = collect(socket);
    socket.write('POST /v1/reports?key=demo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
    let sent = 0;
    for (; sent < 100 && !socket.destroyed && socket.writable; sent++) {
      socket.write(' ');
      await sleep(100);
    }
    expect(await answer.closed).toBe(true);
    expect(sent).toBeLessThan(100);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function collect(socket: Socket): { closed: Promise<boolean>; text(): string } {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<boolean>((resolve) => {
    socket.on('close', () => resolve(true));
    setTimeout(() => resolve(false), 15_000).unref();
  });
  return { closed, text: () => Buffer.concat(chunks).toString('latin1') };
}

async function gzipOfZeros(mebibytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mebibytes; i++) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}
