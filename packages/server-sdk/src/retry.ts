/** How a report is retried. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  readonly attempts: number;
  /** First backoff in ms, doubled each retry, with full jitter (default 500). */
  readonly baseDelayMs: number;
  /** Longest single wait in ms, `Retry-After` included (default 30 000). */
  readonly maxDelayMs: number;
  /** Give up once this much time has passed since the first attempt, in ms (default 60 000). */
  readonly deadlineMs: number;
}

/** Default {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, deadlineMs: 60_000 };

/** Statuses worth another attempt: 408, 429 and every 5xx. Other 4xx are final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Milliseconds a `Retry-After` header asks for (delta seconds or an HTTP
 * date), or `undefined` when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Wait before retry number `retry` (1 for the first retry): `Retry-After` if given, else full-jitter exponential backoff. */
export function backoffMs(retry: number, options: RetryOptions, retryAfter: number | undefined, random = Math.random): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, options.maxDelayMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}
