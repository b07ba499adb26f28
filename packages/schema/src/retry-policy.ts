/**
 * The collector's retry contract, shared by everything that sends to it
 * (the browser SDK, the importer, the server SDK): which refusals are worth
 * another attempt, and how long `Retry-After` asks a client to wait. How
 * long each client backs off otherwise is its own choice.
 */

/** Rate limited (429), timed out (408), or the server or a proxy failing (5xx): try again later. Every other 4xx is final. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || (status >= 500 && status <= 599);

/**
 * A `Retry-After` header in milliseconds from `nowMs`: delay seconds
 * (digits only) or an HTTP date (which starts with the day's name); a date
 * in the past is 0. `undefined` when absent, blank or anything else (`-5`,
 * `1.5`, `1e3`, `soon`), so that the sender falls back to its own backoff
 * instead of retrying at once.
 */
export const retryAfterMs = (header: string | null | undefined, nowMs = Date.now()): number | undefined => {
  const value = (header ?? '').trim();
  const ms = /^\d+$/.test(value) ? +value * 1000 : /^[a-z]/i.test(value) ? Date.parse(value) - nowMs : NaN;
  return ms === ms ? Math.max(0, ms) : undefined;
};
