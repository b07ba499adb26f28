import type { CounterExpr, MetricSelector } from './types.js';

/**
 * The exported client counters the reliability rules' Prometheus forms
 * combine. No counter says whether a failed connection had connected, so
 * setup and mid-call failures are told apart by what else the counters show.
 */

/** Peer connections created (`pc.added`). */
export const ATTEMPTS: MetricSelector = { metric: 'webrtc.connection.attempts' };
/** Peer connections that reached `failed`, whether during setup or mid-call (the counter does not say which). */
export const FAILURES: MetricSelector = { metric: 'webrtc.connection.failures' };
/** Peer connections whose ICE first reached connected (one `ice.pair.formed` each). */
export const ICE_CONNECTED: MetricSelector = { metric: 'webrtc.ice.pair_formation_time', series: 'count' };
/** DTLS transports that failed: a connection whose ICE connected but which never connected. */
export const DTLS_FAILURES: MetricSelector = { metric: 'webrtc.dtls.failures' };
/** One observation per sample of a connection with a selected candidate pair (a connected one). */
export const CONNECTED_SAMPLES: MetricSelector = { metric: 'webrtc.connection.rtt', series: 'count' };

/**
 * The SDK's default sampling interval in seconds (`DEFAULT_SAMPLE_INTERVAL_MS`
 * in packages/sdk/src/constants.ts): samples per second times this is the
 * number of connections sampled at once.
 */
export const SDK_SAMPLE_SECONDS = 2;

/**
 * Connections that did not get through setup, as far as counters tell:
 * created but their ICE never connected, plus DTLS failures after ICE.
 */
export const NOT_CONNECTED: CounterExpr = { op: 'sum', terms: [{ op: 'minus', left: ATTEMPTS, right: ICE_CONNECTED }, DTLS_FAILURES] };

/**
 * Setup failures in Prometheus: the smaller of all failures and the
 * connections that did not get through setup (the first counts mid-call
 * failures too, the second connections abandoned while connecting).
 */
export const SETUP_FAILURES: CounterExpr = { op: 'least', of: [FAILURES, NOT_CONNECTED] };

/** Mid-call failures in Prometheus: failures beyond those setup explains. */
export const MID_CALL_FAILURES: CounterExpr = { op: 'minus', left: FAILURES, right: NOT_CONNECTED };
