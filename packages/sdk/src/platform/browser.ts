/**
 * The one place the SDK touches browser globals. Every access is guarded so
 * the SDK loads (and does nothing harmful) in workers, tests and SSR.
 */

const g = globalThis as Partial<typeof globalThis>;

/** A random identifier (UUID v4 where available). */
export const randomId = (): string => g.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);

/** `navigator.mediaDevices`; undefined outside secure pages. */
export const mediaDevices = (): MediaDevices | undefined => g.navigator?.mediaDevices;

/** Wall-clock milliseconds since the Unix epoch. */
export const now = (): number => Date.now();

/** Adds a listener where the target exists; returns a function that removes it. */
export const listen = (target: EventTarget | undefined, type: string, handler: (event: Event) => void): () => void => {
  target?.addEventListener?.(type, handler);
  return () => target?.removeEventListener?.(type, handler);
};

/** Whether the page is hidden now (also while it is being unloaded). */
export const pageHidden = (): boolean => g.document?.visibilityState == 'hidden';

/**
 * Calls `onHide` when the page is hidden (`hidden`) or unloaded. Unloaded
 * is `navigation` when the browser announced a navigation to another
 * document through the Navigation API's `navigate` event (`destination.
 * sameDocument` false) in the 30 s before `pagehide`, or when the page goes
 * into the back/forward cache (`persisted`); else `pagehide`. `navigate`
 * fires for navigations the page starts (links, `location`, forms,
 * `navigation.navigate()`) and for back/forward to an entry of the same
 * origin, not for the address bar, bookmarks or back/forward to another
 * origin; browsers without the Navigation API never send it. So a tab
 * closed, a typed URL or a browser without the API ends as `pagehide`.
 * Runbook entry 10. Returns a function that removes the listeners.
 */
export const onPageHide = (onHide: (reason: 'hidden' | 'pagehide' | 'navigation') => void): () => void => {
  // When the last cross-document navigation started; one that never unloaded the page (a download, a
  // cancelled leave) stops counting after 30 s, so a later tab close is not taken for a navigation.
  let navigating = -Infinity;
  const doc = g.document;
  const removers = [
    listen(doc, 'visibilitychange', () => pageHidden() && onHide('hidden')),
    listen(g as EventTarget, 'pagehide', (e) =>
      onHide(now() - navigating < 30_000 || (e as PageTransitionEvent).persisted ? 'navigation' : 'pagehide'),
    ),
    listen((g as { navigation?: EventTarget }).navigation, 'navigate', (e) => {
      if ((e as Event & { destination?: { sameDocument?: boolean } }).destination?.sameDocument === false) navigating = now();
    }),
  ];
  return () => removers.forEach((remove) => remove());
};

/** Listens to the browser's `online` and `offline` events (runbook entry 3). */
export const onNetworkChange = (handler: (state: 'online' | 'offline') => void): () => void => {
  const a = listen(g as EventTarget, 'online', () => handler('online'));
  const b = listen(g as EventTarget, 'offline', () => handler('offline'));
  return () => (a(), b());
};

/** Lower-case hex SHA-256 of `text` through WebCrypto; undefined where WebCrypto is missing (insecure contexts). */
export const sha256Hex = async (text: string): Promise<string | undefined> => {
  const subtle = g.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
};

/**
 * Platform details for post-call feedback (runbook entry 12), as
 * `key=value;…`: CPU cores, device memory, effective connection type,
 * counts of audio inputs, audio outputs and cameras (never labels or ids),
 * and whether the page can choose its audio output (`setSinkId`).
 */
export const platformDetails = async (): Promise<string> => {
  const nav = g.navigator as (Navigator & { deviceMemory?: number; connection?: { effectiveType?: string } }) | undefined;
  const counts: Record<string, number> = { audioinput: 0, audiooutput: 0, videoinput: 0 };
  try {
    for (const { kind } of (await mediaDevices()?.enumerateDevices()) ?? []) counts[kind]!++;
  } catch {
    // No permission or no devices API: counts stay 0.
  }
  let details = `cores=${nav?.hardwareConcurrency};memory=${nav?.deviceMemory};net=${nav?.connection?.effectiveType}`;
  for (const kind in counts) details += `;${kind}=${counts[kind]}`;
  return `${details};sinkid=${'setSinkId' in (g.HTMLMediaElement?.prototype ?? {}) ? 1 : 0}`;
};
