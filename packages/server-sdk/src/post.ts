/** The one way this SDK talks to the collector: a JSON POST with the server key, retried. */
import { DEFAULT_RETRY, backoffMs, isRetryableStatus, retryAfterMs, type RetryOptions } from './retry.js';

/** Where and how to report. */
export interface ReporterConfig {
  /** Collector base URL, for example `https://collector.example.com`. */
  readonly endpoint: string;
  /** The tenant's secret server key (`Authorization: Bearer`). */
  readonly serverKey: string;
  readonly retry?: Partial<RetryOptions>;
  /** Timeout of one attempt in ms (default 10 000). */
  readonly timeoutMs?: number;
  /** A `fetch` to use instead of the global one. */
  readonly fetch?: typeof fetch;
}

/** A report the collector refused for good (4xx other than 408/429), or that kept failing until the retries ran out. */
export class ServerReportError extends Error {
  constructor(
    message: string,
    /** HTTP status of the last answer; 0 when the last attempt got no answer. */
    readonly status: number,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'ServerReportError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function describeFailure(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not a JSON error body
  }
  return response.statusText || `HTTP ${response.status}`;
}

/** A 2xx answer of the collector, parsed, and the attempts it took. */
export interface ServerAnswer {
  readonly body: unknown;
  readonly attempts: number;
}

/**
 * POST `body` to `<endpoint>/v1/server/<path>` and resolve with the parsed
 * 2xx answer, retrying network failures, timeouts, 408, 429 and 5xx with
 * full-jitter exponential backoff (or the server's `Retry-After`) until the
 * attempts or the deadline run out. The same body is sent each time, so the
 * collector stores a retried report once. Rejects with {@link ServerReportError}.
 */
export async function postToCollector(config: ReporterConfig, path: string, body: unknown): Promise<ServerAnswer> {
  const retry = { ...DEFAULT_RETRY, ...config.retry };
  const doFetch = config.fetch ?? fetch;
  const url = `${config.endpoint.replace(/\/+$/, '')}/v1/server/${path}`;
  const payload = JSON.stringify(body);
  const started = Date.now();
  let lastError = 'no attempt made';
  let lastStatus = 0;
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    let retryAfter: number | undefined;
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${config.serverKey}` },
        body: payload,
        signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
      });
      if (response.ok) return { body: (await response.json()) as unknown, attempts: attempt };
      lastStatus = response.status;
      lastError = await describeFailure(response);
      if (!isRetryableStatus(response.status)) {
        throw new ServerReportError(`collector refused the ${path} report (${response.status}): ${lastError}`, response.status, attempt);
      }
      retryAfter = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof ServerReportError) throw error;
      lastStatus = 0;
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (attempt === retry.attempts) break;
    const wait = backoffMs(attempt, retry, retryAfter);
    if (Date.now() + wait - started > retry.deadlineMs) break;
    await sleep(wait);
  }
  throw new ServerReportError(`the ${path} report failed: ${lastError}`, lastStatus, retry.attempts);
}
