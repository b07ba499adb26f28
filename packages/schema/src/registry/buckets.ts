/**
 * Histogram bucket boundaries shared by several metrics. Alert thresholds
 * must sit exactly on a boundary, because `histogram_quantile` interpolates
 * inside a bucket; {@link RUNBOOK_THRESHOLDS} lists them and the schema
 * tests check each one against its metric's buckets.
 */

/**
 * Round-trip, setup and offset times in milliseconds. Alert lines on a
 * boundary: 250 ms A/V offset (runbook 7), 800 ms ICE pair formation
 * (runbook 1), 3 s time to target bitrate (runbook 9), 5 s DTLS connecting
 * (runbook 2).
 */
export const LATENCY_MS = [10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 800, 1000, 1500, 2000, 3000, 5000, 10000] as const;

/** Jitter and buffer delays in milliseconds. */
export const JITTER_MS = [2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 400] as const;

/** Percentages (loss, concealment, time shares). 10 % freeze time and 20 % degraded intervals are alert lines. */
export const PERCENT = [0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 75, 100] as const;

/** Bitrates in kilobits per second. */
export const BITRATE_KBPS = [16, 32, 64, 100, 200, 300, 500, 800, 1000, 1500, 2500, 4000, 6000, 10000] as const;

/** Frame rates in frames per second. */
export const FRAME_RATE = [1, 5, 10, 15, 20, 24, 25, 30, 50, 60] as const;

/** Frame heights in pixels (common ladder rungs). */
export const FRAME_HEIGHT = [120, 180, 240, 360, 480, 540, 720, 1080, 1440, 2160] as const;

/**
 * Estimated MOS (1..4.5). 3.6 is E-model R = 70 (below it many users are
 * dissatisfied: the "degraded" line), 3.1 is R = 60 (nearly all dissatisfied:
 * "poor"), 4.3 is R = 90 (very satisfied).
 */
export const MOS = [1.5, 2, 2.5, 3, 3.1, 3.6, 4, 4.3, 4.5] as const;

/** Audio levels on the linear 0..1 scale of the stats (0.01 is about -40 dBFS). */
export const AUDIO_LEVEL = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1] as const;

/** Post-call ratings, 1 (bad) to 5 (excellent). */
export const RATING = [1, 2, 3, 4, 5] as const;

/**
 * Every threshold a runbook alert or the "degraded" classification uses,
 * with the metric it applies to. Each value is one of that metric's bucket
 * boundaries (checked by the schema tests).
 */
export const RUNBOOK_THRESHOLDS = [
  { entry: 1, metric: 'webrtc.ice.pair_formation_time', value: 800, meaning: 'p99 ICE pair formation time per region (ms)' },
  { entry: 2, metric: 'webrtc.dtls.connecting_time', value: 5000, meaning: 'DTLS transport stuck in connecting (ms)' },
  { entry: 7, metric: 'webrtc.session.av_offset', value: 250, meaning: 'A/V offset between WebRTC and LL-HLS (ms)' },
  { entry: 7, metric: 'webrtc.connection.av_sync_offset', value: 250, meaning: 'A/V playout offset inside WebRTC (ms)' },
  { entry: 9, metric: 'webrtc.session.time_to_target_bitrate', value: 3000, meaning: 'p95 time to target bitrate (ms)' },
  { entry: 0, metric: 'webrtc.stream.mos', value: 3.6, meaning: 'an interval under this MOS is degraded' },
  { entry: 0, metric: 'webrtc.stream.mos', value: 3.1, meaning: 'an interval under this MOS is poor' },
  { entry: 0, metric: 'webrtc.stream.freeze_time', value: 10, meaning: 'an interval with this much frozen video (%) is degraded' },
  { entry: 0, metric: 'webrtc.session.degraded_share', value: 20, meaning: 'a session with this share of degraded intervals (%) is degraded' },
] as const;
