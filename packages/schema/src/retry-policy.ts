/**
 * The collector's retry contract, shared by everything that sends to it
 * (the browser SDK, the importer, the server SDK): which refusals are worth
 * another attempt, and how long `Retry-After` asks a client to wait. How
 * long each client backs off otherwise is its own choice.
 */

/** Rate limited (429), timed out (408), or the server or a proxy failing (5xx): try again later. Every other 4xx is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** A `Retry-After` header (delta seconds or an HTTP date) in milliseconds from `nowMs`; `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}
