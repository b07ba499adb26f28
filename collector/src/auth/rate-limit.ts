import { CollectorError } from '../errors.js';
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

/** Where a refused request's `Retry-After` goes (a Fastify reply fits). */
export interface RetryAfterReply {
  header(name: string, value: string): unknown;
}

/**
 * Take a token for `bucket`, or refuse the request: `Retry-After` on the
 * reply and a 429 naming what was limited (`ingest key`, `server key`).
 */
export function takeOrRefuse(limiter: RateLimiter, bucket: string, limit: RateLimit, reply: RetryAfterReply, what: string): void {
  const taken = limiter.take(bucket, limit);
  if (taken.ok) return;
  reply.header('retry-after', String(taken.retryAfterSeconds));
  throw new CollectorError(429, 'RTCPULSE_RATE_LIMITED', `rate limit of this ${what} exceeded; retry after ${taken.retryAfterSeconds} s`);
}
