import type { RateLimit } from './tenants.js';

/** Outcome of taking one token. */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/**
 * Token buckets keyed by key id, in memory. Each bucket refills at
 * `perSecond` up to `burst`. Only configured keys get a bucket, so the map
 * is bounded by the tenants config, not by traffic.
 */
export interface RateLimiter {
  take(keyId: string, limit: RateLimit, nowMs?: number): TakeResult;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Create a {@link RateLimiter}; `now` is injectable for tests. */
export function createRateLimiter(now: () => number = () => performance.now()): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    take(keyId, limit, nowMs = now()) {
      let bucket = buckets.get(keyId);
      if (!bucket) {
        bucket = { tokens: limit.burst, updatedMs: nowMs };
        buckets.set(keyId, bucket);
      }
      const elapsedS = Math.max(0, nowMs - bucket.updatedMs) / 1000;
      bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsedS * limit.perSecond);
      bucket.updatedMs = nowMs;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      const waitS = (1 - bucket.tokens) / limit.perSecond;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitS)) };
    },
  };
}
