export { isRetryableStatus, retryAfterMs } from '@rtcpulse/schema';

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

/** Wait before retry number `retry` (1 for the first retry): `Retry-After` if given, else full-jitter exponential backoff. */
export function backoffMs(retry: number, options: RetryOptions, retryAfter: number | undefined, random = Math.random): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, options.maxDelayMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}
