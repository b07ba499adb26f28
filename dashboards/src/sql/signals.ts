import { METRICS, sampleColumns, type MetricDefinition } from '@rtcpulse/schema';
import { ALERT_THRESHOLDS, type AlertThreshold } from '../thresholds.js';

/** One samples column feeding a signal, with the media kind it stands for. */
export interface SignalSource {
  readonly column: string;
  readonly mediaKind: 'audio' | 'video' | 'connection';
  /** Stream direction of the column; absent for connection-level columns. */
  readonly direction?: 'inbound' | 'outbound';
}

/** A quality signal users feel, with its registry metric (or the metric the issues imply, when not there yet). */
export interface QualitySignal {
  readonly key: string;
  readonly label: string;
  /** Registry metric name; `registered` tells whether the registry has it yet. */
  readonly metricName: string;
  readonly registered: boolean;
  readonly unit: string;
  readonly buckets: readonly number[];
  readonly sources: readonly SignalSource[];
  readonly threshold?: AlertThreshold;
}

interface SignalWish {
  readonly key: string;
  readonly label: string;
  readonly metricName: string;
  /** Used only while the registry lacks the metric. */
  readonly fallback: { readonly unit: string; readonly buckets: readonly number[]; readonly columns: readonly SignalSource[] };
}

/** The five quality metrics that predict user satisfaction (RTT, jitter, loss, MOS, freezes). */
const FIVE: readonly SignalWish[] = [
  { key: 'rtt', label: 'Round-trip time', metricName: 'webrtc.connection.rtt', fallback: { unit: 'ms', buckets: [], columns: [] } },
  { key: 'jitter', label: 'Jitter (inbound)', metricName: 'webrtc.stream.jitter', fallback: { unit: 'ms', buckets: [], columns: [] } },
  { key: 'loss', label: 'Packet loss (inbound)', metricName: 'webrtc.stream.packet_loss', fallback: { unit: '%', buckets: [], columns: [] } },
  {
    key: 'mos',
    label: 'Estimated MOS (inbound audio)',
    metricName: 'webrtc.stream.mos',
    fallback: { unit: '1', buckets: [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5], columns: [{ column: 'audio_in_mos', mediaKind: 'audio', direction: 'inbound' }] },
  },
  { key: 'freeze', label: 'Video freeze time (inbound)', metricName: 'webrtc.stream.freeze_time', fallback: { unit: '%', buckets: [], columns: [] } },
];

function sourcesOf(metric: MetricDefinition): SignalSource[] {
  const columns = sampleColumns().filter((c) => c.metric === metric);
  const inbound = columns.filter((c) => c.stream?.endsWith('_in'));
  return (inbound.length > 0 ? inbound : columns).map((c) => ({
    column: c.column,
    mediaKind: c.stream === undefined ? 'connection' : c.stream.startsWith('audio') ? 'audio' : 'video',
    ...(c.stream === undefined ? {} : { direction: c.stream.endsWith('_in') ? 'inbound' : 'outbound' }),
  }));
}

/** The five quality signals, resolved against the registry as it is now. */
export function qualitySignals(): QualitySignal[] {
  const registry: readonly MetricDefinition[] = METRICS;
  return FIVE.map((wish) => {
    const metric = registry.find((m) => m.name === wish.metricName);
    const threshold = ALERT_THRESHOLDS.find((t) => t.metric === wish.metricName && t.quantile !== undefined);
    const common = { key: wish.key, label: wish.label, metricName: wish.metricName, ...(threshold ? { threshold } : {}) };
    if (!metric) return { ...common, registered: false, unit: wish.fallback.unit, buckets: wish.fallback.buckets, sources: wish.fallback.columns };
    return { ...common, registered: true, unit: metric.unit, buckets: metric.buckets ?? [], sources: sourcesOf(metric) };
  });
}

/** `ARRAY JOIN` unfolding a signal's columns into `metric_value` and `media_kind` rows. */
export function unfold(signal: QualitySignal): string {
  const columns = signal.sources.map((s) => s.column).join(', ');
  const kinds = signal.sources.map((s) => `'${s.mediaKind}'`).join(', ');
  return `ARRAY JOIN [${columns}] AS metric_value, [${kinds}] AS media_kind`;
}

/** Percentiles each signal shows: p50/p95/p99, plus the alert's own percentile (p5 for MOS). */
export function quantilesOf(signal: QualitySignal): number[] {
  const quantiles = [0.5, 0.95, 0.99];
  const q = signal.threshold?.quantile;
  if (q !== undefined && !quantiles.includes(q)) quantiles.unshift(q);
  return quantiles;
}

/** Column alias of a quantile: p5, p50, p95, p99. */
export function quantileAlias(q: number): string {
  return `p${Math.round(q * 100)}`;
}
