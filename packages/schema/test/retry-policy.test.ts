import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryAfterMs } from '../src/index.js';

describe('the retry contract every sender follows', () => {
  it('retries 408, 429 and 5xx, and takes every other refusal as final', () => {
    expect([408, 429, 500, 502, 503, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 415, 422, 600].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as delta seconds or an HTTP date, never below zero', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(' 120 ', 0)).toBe(120_000);
    expect(retryAfterMs('1.5', 0)).toBe(1500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(new Date(1_000).toUTCString(), 4_000)).toBe(0);
    expect(retryAfterMs('-5', 0)).toBe(0);
  });

  it('gives undefined for a missing, empty or unreadable header', () => {
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('')).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
