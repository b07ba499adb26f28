import type { Duration } from './types.js';

const SECONDS: Readonly<Record<Duration, number>> = {
  '1m': 60, '2m': 120, '5m': 300, '10m': 600, '15m': 900, '30m': 1800, '1h': 3600, '6h': 21600,
};

/** Seconds in a rule duration (e.g. a Prometheus window as the SQL form's lookback). */
export function durationSeconds(d: Duration): number {
  return SECONDS[d];
}
