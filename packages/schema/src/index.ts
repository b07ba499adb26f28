export {
  AUDIO_LEVEL,
  AUDIT_ACTIONS,
  COMPLAINTS,
  CONSENT_STATES,
  END_REASONS,
  ERROR_NAMES,
  ERROR_STAGES,
  ICE_RESTART_STATES,
  MOS,
  RATING,
  RUNBOOK_THRESHOLDS,
  BITRATE_KBPS,
  EVENT_TYPES,
  FRAME_HEIGHT,
  FRAME_RATE,
  JITTER_MS,
  LATENCY_MS,
  METRICS,
  PERCENT,
  SAMPLE_LABELS,
  STREAM_KEYS,
  TOPOLOGIES,
  describeStream,
  isConnectionMetric,
  isEventMetric,
  isServerMetric,
  isSessionMetric,
  isStreamMetric,
  metricByName,
  sampleColumns,
} from './registry/index.js';
export type {
  AuditAction,
  Complaint,
  ConsentState,
  EndReason,
  ErrorStage,
  ConnectionMetric,
  ConnectionMetricKey,
  EventMetric,
  EventType,
  InstrumentKind,
  MetricAttribute,
  MetricDefinition,
  MetricFamily,
  SampleColumn,
  SampleLabelDefinition,
  SampleLabelKey,
  ServerMetric,
  SessionMetric,
  StreamAggregation,
  StreamKey,
  StreamMetric,
  StreamMetricKey,
} from './registry/index.js';
export {
  ClientMetaSchema,
  REPORT_LIMITS,
  REPORT_VERSION,
  ReportBatchSchema,
  ReportEventSchema,
  SampleSchema,
} from './report.js';
export type { ClientMeta, DroppedCounts, ReportBatch, ReportEvent, Sample, StreamValues } from './report.js';
export {
  OTEL_ATTRIBUTE_KEYS,
  otelAttributeKey,
  prometheusLabelName,
  prometheusNames,
} from './registry/prometheus-names.js';
export type { PrometheusNames, PrometheusPath } from './registry/prometheus-names.js';
export { SERVER_METRICS, RECORDING_SECONDS } from './registry/metrics/server.js';
export {
  NodeReportSchema,
  NodeUsageSchema,
  RecordingEventSchema,
  SERVER_AUDIT_ACTIONS,
  SERVER_REPORT_LIMITS,
  ServerAuditEventSchema,
  SERVER_REPORT_VERSION,
  SfuEgressSchema,
  SfuForwardedSchema,
  SfuReportSchema,
  TurnReportSchema,
} from './server-report.js';
export type {
  NodeReport,
  NodeUsage,
  RecordingEvent,
  ServerAuditAction,
  ServerAuditEvent,
  ServerService,
  SfuEgress,
  SfuForwarded,
  SfuReport,
  TurnReport,
} from './server-report.js';
export { DEFAULT_PRICING, PricingSchema } from './pricing.js';
export { BROWSER_FAMILIES, OS_FAMILIES, parseUserAgent } from './user-agent.js';
export type { UserAgentInfo } from './user-agent.js';
export type { Pricing } from './pricing.js';
export { isRetryableStatus, retryAfterMs } from './retry-policy.js';
