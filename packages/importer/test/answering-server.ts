// Test helper: a real HTTP server on 127.0.0.1 that answers every request
// with the next of the given answers (the last one repeats) and keeps the
// request bodies.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Default: a 202 body without `durable` for 2xx, an error message otherwise. */
  body?: string;
}

/** A collector stand-in: its ingest URL, the bodies it received, and how to close it. */
export interface AnsweringServer {
  url: string;
  bodies: string[];
  close(): Promise<void>;
}

/** Starts a server answering with `answers` in turn. */
export async function answeringServer(answers: Answer[]): Promise<AnsweringServer> {
  const bodies: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      bodies.push(body);
      const answer = answers[Math.min(bodies.length - 1, answers.length - 1)] ?? { status: 202 };
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? (answer.status < 300 ? '{"accepted":{"samples":0,"events":0}}' : '{"message":"no"}'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/reports`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A collector answer for an accepted batch, with its `durable`. */
export function accepted(durable: 'stored' | 'spooled' | 'duplicate'): Answer {
  return { status: 202, body: JSON.stringify({ accepted: { samples: 0, events: 0 }, durable }) };
}
