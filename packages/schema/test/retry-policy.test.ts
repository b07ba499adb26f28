import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryAfterMs } from '../src/index.js';

describe('the retry contract every sender follows', () => {
  it('retries 408, 429 and 5xx, and takes every other refusal as final', () => {
    expect([408, 429, 500, 502, 503, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 415, 422, 600].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as delta seconds or an HTTP date, a past date as zero', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(' 120 ', 0)).toBe(120_000);
    expect(retryAfterMs('0', 0)).toBe(0);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(new Date(1_000).toUTCString(), 4_000)).toBe(0);
  });

  it('gives undefined for a missing, blank or malformed header, so the sender keeps its own backoff instead of retrying at once', () => {
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
    for (const header of ['', '   ', 'soon', '-5', '1.5', '1e3', '0x10', '+3', '3 s']) expect(retryAfterMs(header, 0), header).toBeUndefined();
  });
});
