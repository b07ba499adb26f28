import { isRetryableStatus, retryAfterMs, type ReportBatch } from '@rtcpulse/schema';
import { count } from './count-words.js';

/** Options of {@link postBatch}. */
export interface PostOptions {
  url: string;
  /** The tenant's public ingest key, sent as the `x-rtcpulse-key` header (default: the batch's `tenant`). */
  key?: string;
  /** Attempts per batch before giving up (default 6). */
  maxAttempts?: number;
  /** First backoff in milliseconds, doubled per attempt with full jitter, capped at 30 s (default 500). */
  baseDelayMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The clock that stamps each attempt's `sentAt` (default `Date.now`). */
  now?: () => number;
}

/**
 * Where the collector says an accepted batch is: `stored` in ClickHouse,
 * `spooled` on its disk (inserted later), `duplicate` already stored before
 * (same tenant, session and `batchSeq`: nothing new was written), or
 * `undefined` when the answer did not say.
 */
export type Durability = 'stored' | 'spooled' | 'duplicate' | undefined;

/** The collector's ingest path. */
export const INGEST_PATH = '/v1/reports';

/**
 * The ingest URL from what a user typed: a bare origin
 * (`http://127.0.0.1:4318`, with or without a trailing `/`) gets
 * `/v1/reports` appended; a URL with a path is used as it is. Throws on
 * something that is not an http(s) URL.
 */
export function resolveIngestUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a URL: ${text} (expected for example http://127.0.0.1:4318${INGEST_PATH})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) URL: ${text}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = INGEST_PATH;
  return url.toString();
}

/** A batch the collector refused for good (a 4xx other than 408/429), or that kept failing. */
export class ImportSendError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'ImportSendError';
  }
}

const MAX_DELAY_MS = 30_000;

/** What a failed `fetch` tells: the collector's URL and the cause (`ECONNREFUSED`, `ENOTFOUND`, …), not only "fetch failed". */
export function describeFetchFailure(error: unknown, url: string): string {
  const where = `cannot reach the collector at ${url}`;
  if (!(error instanceof Error)) return `${where}: ${String(error)}`;
  const cause = (error.cause ?? {}) as { code?: unknown; message?: unknown; errors?: Array<{ message?: unknown }> };
  const code = typeof cause.code === 'string' ? cause.code : '';
  const firstInner = cause.errors?.[0]?.message;
  const message = typeof cause.message === 'string' && cause.message !== '' ? cause.message : typeof firstInner === 'string' ? firstInner : '';
  if (message.includes(code)) return `${where}: ${message || error.message}`;
  return `${where}: ${code}${message ? ` (${message})` : ''}`;
}

async function durabilityOf(response: Response): Promise<Durability> {
  const text = await response.text().catch(() => '');
  try {
    const durable = (JSON.parse(text) as { durable?: unknown }).durable;
    return durable === 'stored' || durable === 'spooled' || durable === 'duplicate' ? durable : undefined;
  } catch {
    return undefined;
  }
}

/**
 * POSTs one batch to the collector and returns where the collector says it
 * is ({@link Durability}). Retries network failures, 408, 429 and 5xx with
 * exponential backoff and full jitter, waiting at least what `Retry-After`
 * asks. Each attempt is stamped with its own `sentAt` (the collector
 * corrects clock skew from `sentAt`, and recognises a retry by its
 * `batchSeq`, so the retry is still stored once). Any other answer than 2xx
 * is final and throws.
 */
export async function postBatch(batch: ReportBatch, options: PostOptions): Promise<Durability> {
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const attempts = options.maxAttempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  const headers = { 'content-type': 'application/json', 'x-rtcpulse-key': options.key ?? batch.tenant };
  let lastProblem = '';
  let lastStatus: number | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    let wait: number | undefined;
    try {
      const response = await send(options.url, { method: 'POST', headers, body: JSON.stringify({ ...batch, sentAt: now() }) });
      if (response.ok) return await durabilityOf(response);
      const text = await response.text().catch(() => '');
      lastStatus = response.status;
      lastProblem = `HTTP ${response.status}: ${text.slice(0, 300)}`;
      if (!isRetryableStatus(response.status)) throw new ImportSendError(`collector refused batch ${batch.batchSeq}: ${lastProblem}`, response.status);
      wait = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof ImportSendError) throw error;
      lastStatus = undefined;
      lastProblem = describeFetchFailure(error, options.url);
    }
    if (attempt === attempts - 1) break;
    const backoff = random() * Math.min(MAX_DELAY_MS, base * 2 ** attempt);
    await sleep(Math.max(backoff, wait ?? 0));
  }
  throw new ImportSendError(`batch ${batch.batchSeq} not delivered after ${count(attempts, 'attempt', 'attempts')}: ${lastProblem}`, lastStatus);
}
