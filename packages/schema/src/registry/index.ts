import { AUDIT_ACTIONS, COMPLAINTS, CONSENT_STATES, END_REASONS, ERROR_NAMES, ERROR_STAGES, EVENT_TYPES, ICE_RESTART_STATES, SIGNALLING_STAGES, TOPOLOGIES } from './events.js';
import { SAMPLE_LABELS } from './labels.js';
import { METRICS } from './metrics.js';
import type {
  CollectorMetric,
  ConnectionMetric,
  EventMetric,
  MetricDefinition,
  ServerMetric,
  SessionMetric,
  StreamKey,
  StreamMetric,
} from './types.js';

export { EVENT_TYPES, METRICS, SAMPLE_LABELS };
export { COLLECTOR_METRIC_NAMES, COLLECTOR_REPORT_OUTCOMES } from './metrics/collector.js';
export { AUDIT_COMPLETENESS_METRIC_NAMES } from './metrics/compliance.js';
export type { CollectorReportOutcome } from './metrics/collector.js';
export { AUDIT_ACTIONS, COMPLAINTS, CONSENT_STATES, END_REASONS, ERROR_NAMES, ERROR_STAGES, ICE_RESTART_STATES, SIGNALLING_STAGES, TOPOLOGIES };
export type { AuditAction, Complaint, ConsentState, EndReason, ErrorStage } from './events.js';
export type { EventType } from './events.js';
export type {
  CollectorMetric,
  ConnectionMetric,
  EventMetric,
  InstrumentKind,
  MetricAttribute,
  MetricDefinition,
  MetricFamily,
  SampleLabelDefinition,
  ServerMetric,
  SessionMetric,
  StreamAggregation,
  StreamKey,
  StreamMetric,
} from './types.js';
export { BITRATE_KBPS, FRAME_HEIGHT, FRAME_RATE, JITTER_MS, LATENCY_MS, PERCENT } from './buckets.js';
export { AUDIO_LEVEL, MOS, RATING, RUNBOOK_THRESHOLDS } from './buckets.js';

type Registry = (typeof METRICS)[number];

/** Keys of metrics measured once per peer connection per interval. */
export type ConnectionMetricKey = Extract<Registry, { scope: 'connection' }>['key'];

/** Keys of stream metrics that apply to stream `S`. */
export type StreamMetricKey<S extends StreamKey> =
  Registry extends infer R
    ? R extends { scope: 'stream'; key: infer K; streams: readonly (infer T)[] }
      ? S extends T
        ? K
        : never
      : never
    : never;

/** Keys of categorical per-sample labels. */
export type SampleLabelKey = (typeof SAMPLE_LABELS)[number]['key'];

/** All stream keys, in column order. */
export const STREAM_KEYS: readonly StreamKey[] = ['audio_in', 'audio_out', 'video_in', 'video_out'];

/** Media kind and direction a stream key stands for. */
export function describeStream(stream: StreamKey): { kind: 'audio' | 'video'; direction: 'inbound' | 'outbound' } {
  return {
    kind: stream.startsWith('audio') ? 'audio' : 'video',
    direction: stream.endsWith('_in') ? 'inbound' : 'outbound',
  };
}

export function isConnectionMetric(m: MetricDefinition): m is ConnectionMetric {
  return m.scope === 'connection';
}
export function isStreamMetric(m: MetricDefinition): m is StreamMetric {
  return m.scope === 'stream';
}
export function isEventMetric(m: MetricDefinition): m is EventMetric {
  return m.scope === 'event';
}
export function isSessionMetric(m: MetricDefinition): m is SessionMetric {
  return m.scope === 'session';
}
export function isServerMetric(m: MetricDefinition): m is ServerMetric {
  return m.scope === 'server';
}
export function isCollectorMetric(m: MetricDefinition): m is CollectorMetric {
  return m.scope === 'collector';
}

/** One numeric column of the samples table, with the metric behind it. */
export interface SampleColumn {
  /** Column name: the metric key, prefixed by the stream for stream metrics. */
  readonly column: string;
  readonly metric: ConnectionMetric | StreamMetric;
  readonly stream?: StreamKey;
}

/**
 * Every numeric per-sample column, derived from the registry: connection
 * metrics as `<key>`, stream metrics as `<stream>_<key>` for each stream they
 * apply to. ClickHouse DDL, row mapping and dashboards all use this list.
 */
export function sampleColumns(): readonly SampleColumn[] {
  const registry: readonly MetricDefinition[] = METRICS;
  const columns: SampleColumn[] = [];
  for (const metric of registry) {
    if (isConnectionMetric(metric)) columns.push({ column: metric.key, metric });
  }
  for (const stream of STREAM_KEYS) {
    for (const metric of registry) {
      if (isStreamMetric(metric) && metric.streams.includes(stream)) {
        columns.push({ column: `${stream}_${metric.key}`, metric, stream });
      }
    }
  }
  return columns;
}

/** Look a metric up by its OpenTelemetry name. */
export function metricByName(name: string): MetricDefinition | undefined {
  const registry: readonly MetricDefinition[] = METRICS;
  return registry.find((m) => m.name === name);
}
