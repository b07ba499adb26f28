// A tiny collector stand-in for the SDK's browser tests: serves the built
// bundles and the in-page scenarios on 127.0.0.1, validates every report
// against the real wire schema (400 naming the field, like the collector)
// and keeps what it accepted.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReportBatchSchema, type ReportBatch } from '@rtcpulse/schema';
import { Value } from '@sinclair/typebox/value';

const DIST = new URL('../../dist/', import.meta.url);
const HERE = new URL('./', import.meta.url);
const PAGE = '<!doctype html><title>sdk test</title><script type="module" src="/scenarios.js"></script>';

export interface TestServer {
  url: string;
  /** Batches accepted, in arrival order. */
  batches: ReportBatch[];
  /** Messages of batches refused as invalid. */
  refused: string[];
  /** Number of report POSTs answered 503 on purpose before accepting again. */
  failNext: number;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const state: Omit<TestServer, 'url' | 'close'> = { batches: [], refused: [], failNext: 0 };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'POST' && path === '/v1/reports') {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        if (state.failNext > 0) {
          state.failNext--;
          res.writeHead(503, { 'retry-after': '1' }).end();
          return;
        }
        const batch: unknown = JSON.parse(body);
        const error = Value.Errors(ReportBatchSchema, batch).First();
        if (error) {
          state.refused.push(`${error.path}: ${error.message}`);
          res.writeHead(400).end();
          return;
        }
        state.batches.push(batch as ReportBatch);
        res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const file = path.startsWith('/sdk/') ? new URL(path.slice(5), DIST) : path === '/scenarios.js' ? new URL('scenarios.js', HERE) : undefined;
      if (file) {
        const text = await readFile(file).catch(() => undefined);
        if (text) res.writeHead(200, { 'content-type': 'text/javascript' }).end(text);
        else res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
