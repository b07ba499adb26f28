/**
 * Histogram bucket boundaries shared by several metrics. Alert thresholds
 * must sit exactly on a boundary, because `histogram_quantile` interpolates
 * inside a bucket; `thresholds.ts` checks that at test time.
 */

/** Round-trip and setup latencies in milliseconds. 800 ms is the ICE alert line. */
export const LATENCY_MS = [10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 800, 1000, 1500, 2000, 3000, 5000, 10000] as const;

/** Jitter and buffer delays in milliseconds. */
export const JITTER_MS = [2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 400] as const;

/** Percentages (loss, concealment, time shares). */
export const PERCENT = [0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 75, 100] as const;

/** Bitrates in kilobits per second. */
export const BITRATE_KBPS = [16, 32, 64, 100, 200, 300, 500, 800, 1000, 1500, 2500, 4000, 6000, 10000] as const;

/** Frame rates in frames per second. */
export const FRAME_RATE = [1, 5, 10, 15, 20, 24, 25, 30, 50, 60] as const;

/** Frame heights in pixels (common ladder rungs). */
export const FRAME_HEIGHT = [120, 180, 240, 360, 480, 540, 720, 1080, 1440, 2160] as const;
