import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerReportError, backoffMs, reportAudit, reportRecording, reportTurn, type ReporterConfig } from '../src/index.js';

/** A real HTTP server on 127.0.0.1 answering with the statuses in `script`, one per request. */
async function scriptedCollector(script: { status: number; headers?: Record<string, string>; body: unknown }[]) {
  const seen: { url: string; authorization: string | undefined; body: unknown }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
      const answer = script[Math.min(seen.length - 1, script.length - 1)] ?? { status: 500, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { endpoint, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const turn = { v: 1, nodeId: 'turn-1', ts: 1_700_000_000_000, intervalMs: 10_000, allocations: 3, relayedBytes: 1000 } as const;
const fastRetry = { attempts: 4, baseDelayMs: 1, maxDelayMs: 20, deadlineMs: 5_000 };

describe('reportTurn', () => {
  it('retries 429 and 503 (honouring Retry-After) with the same body, then resolves with the stored rows', async () => {
    const collector = await scriptedCollector([
      { status: 429, headers: { 'retry-after': '0' }, body: { error: 'Too Many Requests', message: 'slow down' } },
      { status: 503, body: { error: 'Service Unavailable', message: 'spool full' } },
      { status: 202, body: { accepted: { rows: 1 } } },
    ]);
    close = collector.close;
    const config: ReporterConfig = { endpoint: `${collector.endpoint}/`, serverKey: 'acme-server-key-0123456789', retry: fastRetry };
    await expect(reportTurn(config, turn)).resolves.toEqual({ rows: 1, attempts: 3 });
    expect(collector.seen).toHaveLength(3);
    for (const request of collector.seen) {
      expect(request).toEqual({ url: '/v1/server/turn', authorization: 'Bearer acme-server-key-0123456789', body: turn });
    }
  });

  it('does not retry a 400 and says what the collector said', async () => {
    const collector = await scriptedCollector([{ status: 400, body: { error: 'Bad Request', message: 'body/jobId is required' } }]);
    close = collector.close;
    const config = { endpoint: collector.endpoint, serverKey: 'k'.repeat(20), retry: fastRetry };
    const failure = reportRecording(config, { v: 1, nodeId: 'rec', ts: 1, jobId: 'j', sessionId: 's', state: 'started' });
    await expect(failure).rejects.toThrow(/400.*body\/jobId is required/);
    await expect(failure).rejects.toBeInstanceOf(ServerReportError);
    expect(collector.seen).toHaveLength(1);
  });

  it('gives up after the configured attempts on persistent 5xx, with the last status', async () => {
    const collector = await scriptedCollector([{ status: 500, body: { error: 'Internal Server Error', message: 'no' } }]);
    close = collector.close;
    const error = await reportTurn({ endpoint: collector.endpoint, serverKey: 'k'.repeat(20), retry: fastRetry }, turn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerReportError);
    expect((error as ServerReportError).status).toBe(500);
    expect(collector.seen).toHaveLength(4);
  });
});

describe('reportAudit', () => {
  it('posts to /v1/server/audit with an eventId and ts it fills in once, so a retry resends the same event', async () => {
    const row = { seq: 3, hash: 'h', action: 'recording.access', outcome: 'success', ts: 5, actor: 'p', actorKind: 'user', object: 'job-1', callId: '', sessionId: '' };
    const collector = await scriptedCollector([
      { status: 503, body: { error: 'Service Unavailable', message: 'store down' } },
      { status: 202, body: { accepted: { rows: 1, audit: [row] } } },
    ]);
    close = collector.close;
    const config = { endpoint: collector.endpoint, serverKey: 'k'.repeat(20), retry: fastRetry };
    const result = await reportAudit(config, { action: 'recording.access', actor: 'u-1', object: 'job-1' });
    expect(result).toMatchObject({ rows: 1, audit: [row], attempts: 2 });
    expect(collector.seen.map((s) => s.url)).toEqual(['/v1/server/audit', '/v1/server/audit']);
    const [first, second] = collector.seen.map((s) => s.body as Record<string, unknown>);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ action: 'recording.access', actor: 'u-1', object: 'job-1', eventId: result.eventId, ts: expect.any(Number) });
    // A second call is a second event.
    const again = await reportAudit(config, { action: 'recording.access', actor: 'u-1', object: 'job-1' });
    expect(again.eventId).not.toBe(result.eventId);
  });

  it('keeps the eventId and ts the caller gives, and does not retry a 403', async () => {
    const collector = await scriptedCollector([{ status: 403, body: { error: 'Forbidden', message: 'this key lacks the "admin" scope' } }]);
    close = collector.close;
    const event = { action: 'admin.change', object: 'retention', eventId: 'chg-7', ts: 1_700_000_000_000 } as const;
    const error = await reportAudit({ endpoint: collector.endpoint, serverKey: 'k'.repeat(20), retry: fastRetry }, event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerReportError);
    expect((error as ServerReportError).status).toBe(403);
    expect(collector.seen.map((s) => s.body)).toEqual([event]);
  });
});

describe('backoff', () => {
  it('doubles the ceiling per retry, caps it, and prefers Retry-After', () => {
    const options = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, deadlineMs: 10_000 };
    expect(backoffMs(1, options, undefined, () => 1)).toBe(100);
    expect(backoffMs(3, options, undefined, () => 1)).toBe(400);
    expect(backoffMs(8, options, undefined, () => 1)).toBe(1000);
    expect(backoffMs(2, options, 250, () => 1)).toBe(250);
    expect(backoffMs(2, options, 60_000, () => 1)).toBe(1000);
  });
});
