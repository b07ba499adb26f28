export { ServerReportError, postToCollector } from './post.js';
export type { ReporterConfig, ServerAnswer } from './post.js';
export { createServerReporter, postServerReport, reportNode, reportRecording, reportSfu, reportTurn } from './reporter.js';
export type { ReportResult, ServerReporter } from './reporter.js';
export { reportAudit } from './audit.js';
export type { AppendedAuditRow, AuditResult } from './audit.js';
export { DEFAULT_RETRY, backoffMs, isRetryableStatus, retryAfterMs } from './retry.js';
export type { RetryOptions } from './retry.js';
export type {
  NodeReport,
  NodeUsage,
  RecordingEvent,
  ServerAuditAction,
  ServerAuditEvent,
  SfuEgress,
  SfuForwarded,
  SfuReport,
  TurnReport,
} from '@rtcpulse/schema';
