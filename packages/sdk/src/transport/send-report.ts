// The subpath, not the package root: the root would bring the registry and TypeBox into the bundle.
import { isRetryableStatus, retryAfterMs } from '@rtcpulse/schema/retry-policy';

/**
 * Outcome of one attempt to deliver a report. `retryable` decides what
 * happens next, whatever the status: a retryable outcome is retried with
 * backoff; a final one with status 401 or 403 is a refused key (the
 * session ends), with another status a refused report (counted; the
 * first of a session is told to `onError`), without a status counted only.
 */
export type SendOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryable: boolean; readonly status?: number; readonly retryAfterMs?: number };

/** Delivers one serialised report. A throw or a rejection counts as a retryable failure (retried with backoff). */
export type SendReport = (body: string, keepalive: boolean) => Promise<SendOutcome>;

/**
 * A `fetch` transport. The body is a string, which `fetch` sends as
 * `text/plain;charset=UTF-8` in a simple CORS request (its default mode),
 * so there is no preflight; no cookies go along; `keepalive` lets a report
 * outlive the page when it is being hidden or unloaded. A request not
 * answered within `timeoutMs` is aborted and counts as a retryable failure.
 */
export const createFetchSender = (endpoint: string, timeoutMs = 30_000): SendReport => {
  return async (body, keepalive) => {
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        body,
        keepalive,
        credentials: 'omit',
        // A collector that never answers must not hold `stop()` or the next flush for minutes (Safari 15 has no timeout()).
        signal: (AbortSignal as Partial<typeof AbortSignal>).timeout?.(timeoutMs),
      });
      const { ok, status } = response;
      return ok
        ? { ok }
        : { ok, retryable: isRetryableStatus(status), status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
    } catch {
      // Network failure, CORS refusal or an aborted page: worth another try.
      return { ok: false, retryable: true };
    }
  };
};
