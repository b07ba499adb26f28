/**
 * How long to wait after `attempt` failed attempts (1 or more) before the
 * next, in ms: an exponential step (1 s, 2 s, 4 s, … capped at 60 s) of
 * which half is fixed and half random ("equal jitter": 0.5–1 s, 1–2 s, …
 * 30–60 s). A longer `Retry-After` wins, up to 5 minutes.
 */
export const backoffDelay = (attempt: number, random: () => number, retryAfterMs?: number): number => {
  const base = 1000;
  const cap = 60_000;
  const exponential = Math.min(cap, base * 2 ** (attempt - 1));
  const jittered = (exponential * (1 + random())) / 2;
  return Math.min(300_000, Math.max(jittered, retryAfterMs ?? 0));
};
