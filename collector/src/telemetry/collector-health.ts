import { COLLECTOR_METRIC_NAMES, COLLECTOR_REPORT_OUTCOMES, type CollectorReportOutcome } from '@rtcpulse/schema';
import type { IngestPipeline, UnavailableReason } from '../ingest/pipeline.js';
import type { Telemetry } from './telemetry.js';

/** What the ingest route learnt of an accepted or shed report (refusals before it are told by their status). */
export type IngestOutcome = 'stored' | 'spooled' | 'duplicate' | UnavailableReason;

const SHED: Readonly<Record<UnavailableReason, CollectorReportOutcome>> = {
  'spool-full': 'spool_full',
  'queue-full': 'queue_full',
  'spool-error': 'spool_error',
  closing: 'closing',
};

/**
 * The `outcome` of one answered `POST /v1/reports`: what the ingest route
 * recorded when it got that far, else what the status code says.
 */
export function reportOutcome(statusCode: number, ingest: IngestOutcome | undefined): CollectorReportOutcome {
  if (ingest === 'stored' || ingest === 'spooled' || ingest === 'duplicate') return ingest;
  if (ingest !== undefined) return SHED[ingest];
  if (statusCode === 401 || statusCode === 403) return 'unauthorized';
  if (statusCode === 429) return 'rate_limited';
  if (statusCode >= 400 && statusCode <= 499) return 'invalid';
  return 'error';
}

/**
 * The attributes of each outcome, made once: the telemetry resolves an
 * attribute object once and remembers it, so every answer reuses its set.
 */
export const OUTCOME_ATTRIBUTES: Readonly<Record<CollectorReportOutcome, { readonly outcome: CollectorReportOutcome }>> = Object.fromEntries(
  COLLECTOR_REPORT_OUTCOMES.map((outcome) => [outcome, Object.freeze({ outcome })]),
) as Record<CollectorReportOutcome, { readonly outcome: CollectorReportOutcome }>;

/** Publish the ingest pipeline's spool and ClickHouse state as the collector's gauges. */
export function observeIngest(telemetry: Telemetry, ingest: IngestPipeline): void {
  const n = COLLECTOR_METRIC_NAMES;
  telemetry.observeCollector(n.spoolUsage, () => ingest.spool.usedBytes);
  telemetry.observeCollector(n.spoolLimit, () => ingest.spool.maxBytes);
  telemetry.observeCollector(n.spoolRecords, () => ingest.spool.recordCount);
  telemetry.observeCollector(n.spoolSetAside, () => ingest.spool.setAsideFiles);
  telemetry.observeCollector(n.clickhouseUp, () => (ingest.writer.healthy ? 1 : 0));
}
