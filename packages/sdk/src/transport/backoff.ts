/** Exponential backoff with full jitter, capped; `Retry-After` wins when longer. */
export function backoffDelay(attempt: number, random: () => number, retryAfterMs?: number): number {
  const base = 1000;
  const cap = 60_000;
  const exponential = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.min(cap * 5, Math.max(jittered, retryAfterMs ?? 0));
}
