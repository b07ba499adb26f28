import type { NodeReport, RecordingEvent, ServerAuditEvent, SfuReport, TurnReport } from '@rtcpulse/schema';
import { reportAudit, type AuditResult } from './audit.js';
import { postToCollector, type ReporterConfig } from './post.js';

/** The collector's answer to an accepted report. */
export interface ReportResult {
  /** Rows the collector stored. */
  readonly rows: number;
  /** Attempts it took. */
  readonly attempts: number;
}

/** {@link postToCollector} for the report routes: resolves with the rows the collector stored. */
export async function postServerReport(config: ReporterConfig, path: string, body: unknown): Promise<ReportResult> {
  const answer = await postToCollector(config, path, body);
  const accepted = (answer.body as { accepted?: { rows?: number } } | null)?.accepted;
  return { rows: accepted?.rows ?? 0, attempts: answer.attempts };
}

/** Report one SFU node's interval: participants, forwarded streams, egress per receiver and layer, CPU and RAM. */
export function reportSfu(config: ReporterConfig, report: SfuReport): Promise<ReportResult> {
  return postServerReport(config, 'sfu', report);
}

/** Report one TURN server's interval: active allocations and relayed bytes. */
export function reportTurn(config: ReporterConfig, report: TurnReport): Promise<ReportResult> {
  return postServerReport(config, 'turn', report);
}

/** Report that a recording job started, finished or failed. */
export function reportRecording(config: ReporterConfig, event: RecordingEvent): Promise<ReportResult> {
  return postServerReport(config, 'recordings', event);
}

/** Report CPU and memory of any other server node (a recorder, for example). */
export function reportNode(config: ReporterConfig, report: NodeReport): Promise<ReportResult> {
  return postServerReport(config, 'node', report);
}

/** The report functions and {@link reportAudit} bound to one configuration. */
export interface ServerReporter {
  reportSfu(report: SfuReport): Promise<ReportResult>;
  reportTurn(report: TurnReport): Promise<ReportResult>;
  reportRecording(event: RecordingEvent): Promise<ReportResult>;
  reportNode(report: NodeReport): Promise<ReportResult>;
  reportAudit(event: ServerAuditEvent): Promise<AuditResult>;
}

/** Bind {@link reportSfu}, {@link reportTurn}, {@link reportRecording}, {@link reportNode} and {@link reportAudit} to a configuration. */
export function createServerReporter(config: ReporterConfig): ServerReporter {
  return {
    reportSfu: (report) => reportSfu(config, report),
    reportTurn: (report) => reportTurn(config, report),
    reportRecording: (event) => reportRecording(config, event),
    reportNode: (report) => reportNode(config, report),
    reportAudit: (event) => reportAudit(config, event),
  };
}
