import { ALERT_THRESHOLDS } from '../thresholds.js';
import { qualitySignals } from './signals.js';

/**
 * Share of a session's intervals that must be degraded for the session to
 * count as degraded. An interval is degraded when any inbound quality
 * signal is beyond its alert threshold (RTT, loss, jitter, freeze time, or
 * MOS below its line).
 */
export const DEGRADED_SESSION_SHARE = 0.2;

/** SQL boolean: this samples row is a degraded interval (NULL metrics never count). */
export function degradedIntervalSql(): string {
  const terms: string[] = [];
  for (const signal of qualitySignals()) {
    if (!signal.registered) continue;
    const threshold = signal.threshold ?? ALERT_THRESHOLDS.find((t) => t.metric === signal.metricName);
    if (!threshold) continue;
    const op = threshold.direction === 'above' ? '>=' : '<';
    for (const source of signal.sources) terms.push(`ifNull(${source.column} ${op} ${threshold.value}, 0)`);
  }
  return terms.length === 0 ? '0' : `(${terms.join(' OR ')})`;
}

/** Columns {@link degradedIntervalSql} reads. */
export function degradedColumns(): string[] {
  return qualitySignals()
    .filter((s) => s.registered && s.threshold)
    .flatMap((s) => s.sources.map((x) => x.column));
}
