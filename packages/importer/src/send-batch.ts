import type { ReportBatch } from '@rtcpulse/schema';

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

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * POSTs one batch to the collector. Retries network failures, 408, 429 and
 * 5xx with exponential backoff and full jitter, waiting at least what
 * `Retry-After` asks; the same body is sent again, so the collector stores
 * it once. Any other answer than 2xx is final and throws.
 */
export async function postBatch(batch: ReportBatch, options: PostOptions): Promise<void> {
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const attempts = options.maxAttempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  const body = JSON.stringify(batch);
  let lastProblem = '';
  let lastStatus: number | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    let wait: number | undefined;
    try {
      const response = await send(options.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-rtcpulse-key': options.key ?? batch.tenant }, body });
      if (response.ok) return;
      const text = await response.text().catch(() => '');
      lastStatus = response.status;
      lastProblem = `HTTP ${response.status}: ${text.slice(0, 300)}`;
      if (!retryable(response.status)) throw new ImportSendError(`collector refused batch ${batch.batchSeq}: ${lastProblem}`, response.status);
      wait = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof ImportSendError) throw error;
      lastStatus = undefined;
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (attempt === attempts - 1) break;
    const backoff = random() * Math.min(MAX_DELAY_MS, base * 2 ** attempt);
    await sleep(Math.max(backoff, wait ?? 0));
  }
  throw new ImportSendError(`batch ${batch.batchSeq} not delivered after ${attempts} attempts: ${lastProblem}`, lastStatus);
}
