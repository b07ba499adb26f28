import type { AuditAction, Complaint } from '@rtcpulse/schema';

/** A running rtcpulse session. Every method is safe: none throws into the app. */
export interface RtcPulse {
  readonly sessionId: string;
  /** False when the session was sampled out (`sampleRate`): it then observes and sends nothing. */
  readonly sampled: boolean;
  /**
   * Starts observing a peer connection; returns the id it is reported under
   * (`options.id` as text cut to 128 characters, `-` for an empty one, else
   * `pc0`, `pc1`, … in order; the same id again for a
   * connection already observed). Anything that is not a peer connection
   * (no `getStats` and `getTransceivers` functions: `null`, `{}`, an
   * `RTCRtpSender`, …) is ignored: `onError` is
   * called once with `observe: no peer connection`, nothing is reported,
   * no id is used up, and the empty string is returned (as it is, with
   * `onError` told, when observing it fails).
   */
  observe(pc: RTCPeerConnection, options?: { id?: string }): string;
  /** Stops observing a peer connection (after one last sample). */
  unobserve(pc: RTCPeerConnection): Promise<void>;
  /** Starts sampling every interval and sending reports; records `audit` `join`. */
  start(): void;
  /**
   * Takes a last sample, records `leave`, the session quality and end (reason `closed` by default), sends everything and stops.
   * On a hidden page (called from the app's own `pagehide` handler, or in a background tab) it takes no last sample: the page
   * may be going away, and a `getStats()` then never answers.
   */
  stop(reason?: 'closed' | 'navigation' | 'error' | 'timeout'): Promise<void>;
  /**
   * Sends what is waiting now (in reports of at most `maxBatchSamples`
   * samples, one request at a time); settles when they are answered.
   */
  flush(): Promise<void>;
  /**
   * Reports an error the app caught itself, at a stage such as `getUserMedia`
   * (see also `captureUserMedia` in `@rtcpulse/sdk/extras`) or `app`. Sent:
   * the error's name (when it is a word), and its message with IPv4 and IPv6
   * addresses replaced by `[ip]`, cut to 200 characters (`-` when empty). Nothing else is
   * scrubbed (e-mail addresses, names, tokens and URLs go as they are): put
   * no personal data in messages passed here.
   */
  reportError(error: unknown, stage: string): void;
  /** Records a client-side audit event. */
  audit(action: AuditAction): void;
  /** Records recording consent granted (only `true`) or withdrawn (anything else); the state travels on every later batch. */
  setConsent(granted: boolean): void;
  /** Runbook entry 7: the app's measured offset between the WebRTC path and the LL-HLS path (positive: WebRTC ahead). */
  reportAvOffset(offsetMs: number): void;
  /**
   * Runbook entry 12: post-call feedback, sent at once (also after `stop()`;
   * behind a batch waiting for its retry, if one is).
   * `rating` 1..5 (rounded, clamped); complaint tags such as
   * `audio-wrong-device` (at most 16; tags that are not lower-case words go
   * as `other`); `details` platform details, as `sendFeedback` in
   * `@rtcpulse/sdk/extras` gathers them.
   */
  feedback(rating: number, complaints?: readonly (Complaint | (string & {}))[], details?: string): Promise<void>;
}
