export {
  ServerReportError,
  createServerReporter,
  postServerReport,
  reportNode,
  reportRecording,
  reportSfu,
  reportTurn,
} from './reporter.js';
export type { ReportResult, ReporterConfig, ServerReporter } from './reporter.js';
export { DEFAULT_RETRY, backoffMs, isRetryableStatus, retryAfterMs } from './retry.js';
export type { RetryOptions } from './retry.js';
export type {
  NodeReport,
  NodeUsage,
  RecordingEvent,
  SfuEgress,
  SfuForwarded,
  SfuReport,
  TurnReport,
} from '@rtcpulse/schema';
