import type { NodeReport, RecordingEvent, SfuReport, TurnReport } from '@rtcpulse/schema';
import { DEFAULT_RETRY, backoffMs, isRetryableStatus, retryAfterMs, type RetryOptions } from './retry.js';

/** Where and how to report. */
export interface ReporterConfig {
  /** Collector base URL, for example `https://collector.example.com`. */
  readonly endpoint: string;
  /** The tenant's secret server key (`Authorization: Bearer`). */
  readonly serverKey: string;
  readonly retry?: Partial<RetryOptions>;
  /** Timeout of one attempt in ms (default 10 000). */
  readonly timeoutMs?: number;
  /** A `fetch` to use instead of the global one. */
  readonly fetch?: typeof fetch;
}

/** The collector's answer to an accepted report. */
export interface ReportResult {
  /** Rows the collector stored. */
  readonly rows: number;
  /** Attempts it took. */
  readonly attempts: number;
}

/** A report the collector refused for good (4xx other than 408/429), or that kept failing until the retries ran out. */
export class ServerReportError extends Error {
  constructor(
    message: string,
    /** HTTP status of the last answer; 0 when the last attempt got no answer. */
    readonly status: number,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'ServerReportError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function describeFailure(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not a JSON error body
  }
  return response.statusText || `HTTP ${response.status}`;
}

/**
 * POST `body` to `<endpoint>/v1/server/<path>`, retrying network failures,
 * timeouts, 408, 429 and 5xx with full-jitter exponential backoff (or the
 * server's `Retry-After`) until the attempts or the deadline run out. The
 * same body is sent each time, so the collector stores a retried report once.
 */
export async function postServerReport(config: ReporterConfig, path: string, body: unknown): Promise<ReportResult> {
  const retry = { ...DEFAULT_RETRY, ...config.retry };
  const doFetch = config.fetch ?? fetch;
  const url = `${config.endpoint.replace(/\/+$/, '')}/v1/server/${path}`;
  const payload = JSON.stringify(body);
  const started = Date.now();
  let lastError = 'no attempt made';
  let lastStatus = 0;
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    let retryAfter: number | undefined;
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${config.serverKey}` },
        body: payload,
        signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
      });
      if (response.ok) {
        const answer = (await response.json()) as { accepted?: { rows?: number } };
        return { rows: answer.accepted?.rows ?? 0, attempts: attempt };
      }
      lastStatus = response.status;
      lastError = await describeFailure(response);
      if (!isRetryableStatus(response.status)) {
        throw new ServerReportError(`collector refused the ${path} report (${response.status}): ${lastError}`, response.status, attempt);
      }
      retryAfter = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof ServerReportError) throw error;
      lastStatus = 0;
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (attempt === retry.attempts) break;
    const wait = backoffMs(attempt, retry, retryAfter);
    if (Date.now() + wait - started > retry.deadlineMs) break;
    await sleep(wait);
  }
  throw new ServerReportError(`the ${path} report failed: ${lastError}`, lastStatus, retry.attempts);
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

/** The four report functions bound to one configuration. */
export interface ServerReporter {
  reportSfu(report: SfuReport): Promise<ReportResult>;
  reportTurn(report: TurnReport): Promise<ReportResult>;
  reportRecording(event: RecordingEvent): Promise<ReportResult>;
  reportNode(report: NodeReport): Promise<ReportResult>;
}

/** Bind {@link reportSfu}, {@link reportTurn}, {@link reportRecording} and {@link reportNode} to a configuration. */
export function createServerReporter(config: ReporterConfig): ServerReporter {
  return {
    reportSfu: (report) => reportSfu(config, report),
    reportTurn: (report) => reportTurn(config, report),
    reportRecording: (event) => reportRecording(config, event),
    reportNode: (report) => reportNode(config, report),
  };
}
