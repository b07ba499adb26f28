import type { SIGNALLING_STAGES } from '@rtcpulse/schema';

/**
 * The signalling calls whose failures are reported as `error` events with
 * the method as `stage`: the registry's `SIGNALLING_STAGES` (written here
 * again, as the SDK bundles no schema runtime; the type rejects a name the
 * registry does not have).
 */
const METHODS: readonly (typeof SIGNALLING_STAGES)[number][] = ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate'];

type Method = (this: RTCPeerConnection, ...args: unknown[]) => unknown;

/**
 * Wraps the peer connection's signalling methods (on the instance, not the
 * prototype) so that a rejected promise is reported through `report`. The
 * wrapper calls the original with the same `this` and arguments and returns
 * a promise that settles as the original's does, so the app sees the same
 * results, the same rejections and the same synchronous exceptions as
 * before, and a rejection the app leaves unhandled still reaches its
 * `unhandledrejection` handlers. Legacy callback-style calls
 * resolve their promise even on failure, so their failures go unreported.
 * Returns a function that puts the original methods back.
 */
export const instrumentMethods = (pc: RTCPeerConnection, report: (error: unknown, stage: string) => void): () => void => {
  const target = pc as unknown as Record<string, Method>;
  const restore: Array<() => void> = [];
  for (const name of METHODS) {
    const original = target[name];
    if (typeof original != 'function') continue;
    const wrapped: Method = function (...args) {
      const result = original.apply(this, args);
      return result instanceof Promise
        ? result.then(undefined, (error: unknown) => {
            report(error, name);
            throw error;
          })
        : result;
    };
    target[name] = wrapped;
    restore.push(() => {
      if (target[name] === wrapped) target[name] = original;
    });
  }
  return () => restore.forEach((undo) => undo());
};
