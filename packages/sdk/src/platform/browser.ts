/**
 * The one place the SDK touches browser globals. Every access is guarded so
 * the SDK loads (and does nothing harmful) in workers, tests and SSR.
 */

/** The page's user-agent string, or an empty string where there is none. */
export function userAgent(): string {
  return typeof navigator !== 'undefined' && typeof navigator.userAgent === 'string' ? navigator.userAgent : '';
}

/** A random identifier (UUID v4 where available). */
export function randomId(): string {
  const c = typeof crypto !== 'undefined' ? crypto : undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  let id = '';
  for (let i = 0; i < 32; i++) id += Math.floor(Math.random() * 16).toString(16);
  return id;
}

/**
 * Calls `onHide` when the page is hidden or unloaded — the last moments a
 * report can still leave with `keepalive`. Returns a function that removes
 * the listeners.
 */
export function onPageHide(onHide: (reason: 'hidden' | 'pagehide') => void): () => void {
  if (typeof document === 'undefined' || typeof addEventListener !== 'function') return () => undefined;
  const visibility = (): void => {
    if (document.visibilityState === 'hidden') onHide('hidden');
  };
  const pagehide = (): void => onHide('pagehide');
  document.addEventListener('visibilitychange', visibility);
  addEventListener('pagehide', pagehide);
  return () => {
    document.removeEventListener('visibilitychange', visibility);
    removeEventListener('pagehide', pagehide);
  };
}

/** Wall-clock milliseconds since the Unix epoch. */
export function now(): number {
  return Date.now();
}
