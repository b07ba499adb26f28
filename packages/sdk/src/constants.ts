/** How often each observed peer connection is sampled, in milliseconds. */
export const DEFAULT_SAMPLE_INTERVAL_MS = 2000;

/** Version stamped on every report; kept in step with package.json. */
export const SDK_VERSION = '0.1.0';

/** Samples sent together in one report at most (ten intervals of one connection). */
export const DEFAULT_MAX_BATCH_SAMPLES = 10;

/** How long samples may wait before they are sent, in milliseconds. */
export const DEFAULT_FLUSH_INTERVAL_MS = 10_000;

/** `stop()` and `unobserve()` wait this long at most for their last samples, in milliseconds. */
export const LAST_SAMPLE_WAIT_MS = 2000;

/** Upper bound on samples and events held while the collector cannot be reached. */
export const DEFAULT_MAX_QUEUE = 300;

/** Browsers refuse keepalive bodies over 64 KiB; stay below with margin. */
export const KEEPALIVE_BODY_LIMIT = 60_000;

/**
 * Bytes of that allowance that batches with samples leave to batches
 * without (the events, the session's end among them): the samples of a hide
 * may still be in flight when the tab closes, and the end must still go
 * with keepalive.
 */
export const KEEPALIVE_EVENTS_RESERVE = 8_000;

/** Runbook entry 2: ICE connected this long without inbound RTP is reported. */
export const DEFAULT_NO_INBOUND_RTP_MS = 5000;

/** Runbook entry 10: a session with no connected connection for this long ends by itself. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Runbook entry 2: a DTLS transport connecting this long is reported `stuck`. */
export const DTLS_STUCK_MS = 5000;

/** Runbook entry 3: a connection failing this soon after `online` is reported. */
export const FAILED_AFTER_ONLINE_MS = 30_000;

/** Runbook entry 3: connected this long after `restartIce()` counts as recovered. */
export const RESTART_SETTLE_MS = 5000;

/** Runbook entry 3: a `restartIce()` without recovery for this long is reported `timeout`. */
export const RESTART_TIMEOUT_MS = 30_000;
