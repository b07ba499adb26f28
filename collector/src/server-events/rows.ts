import type { NodeReport, NodeUsage, RecordingEvent, SfuReport, TurnReport } from '@rtcpulse/schema';
import type { ServerEventKind } from './table.js';

/** A `server_events` row in `JSONEachRow`; omitted columns take their defaults (NULL for values). */
export type ServerEventRow = Record<string, string | number | null>;

/** Milliseconds per hour, for participant-hours and resource-hours. */
export const MS_PER_HOUR = 3_600_000;

/** Format epoch milliseconds as a UTC `DateTime64(3)` literal. */
function dateTime64(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

interface Envelope {
  readonly nodeId: string;
  readonly region?: string | undefined;
  readonly ts: number;
}

function base(tenant: string, kind: ServerEventKind, service: string, report: Envelope, receivedAt: Date, intervalMs = 0): ServerEventRow {
  return {
    tenant,
    kind,
    service,
    node_id: report.nodeId,
    region: report.region ?? '',
    ts: dateTime64(report.ts),
    received_at: dateTime64(receivedAt.getTime()),
    interval_ms: intervalMs,
  };
}

function nodeRow(tenant: string, service: string, report: Envelope, usage: NodeUsage, intervalMs: number, receivedAt: Date): ServerEventRow {
  return {
    ...base(tenant, 'node', service, report, receivedAt, intervalMs),
    cpu_cores: usage.cpuCores,
    server_cpu_utilization_pct: usage.cpuUtilizationPct,
    server_memory_usage_bytes: usage.memoryUsedBytes,
    memory_limit_bytes: usage.memoryLimitBytes ?? null,
  };
}

/** Rows of one SFU report: the node summary, forwarded streams, egress per receiver and layer, node usage. */
export function sfuRows(tenant: string, report: SfuReport, receivedAt: Date): ServerEventRow[] {
  const rows: ServerEventRow[] = [
    {
      ...base(tenant, 'sfu', 'sfu', report, receivedAt, report.intervalMs),
      sfu_participants: report.participants,
      sfu_participant_time_h: (report.participants * report.intervalMs) / MS_PER_HOUR,
    },
  ];
  for (const f of report.forwarded) {
    rows.push({
      ...base(tenant, 'sfu.forwarded', 'sfu', report, receivedAt, report.intervalMs),
      media_kind: f.kind,
      layer: f.layer,
      sfu_forwarded_streams: f.streams,
    });
  }
  for (const e of report.egress) {
    rows.push({
      ...base(tenant, 'sfu.egress', 'sfu', report, receivedAt, report.intervalMs),
      session_id: e.sessionId,
      receiver_id: e.receiverId,
      media_kind: e.kind,
      layer: e.layer,
      sfu_egress_bytes: e.bytes,
    });
  }
  if (report.node) rows.push(nodeRow(tenant, 'sfu', report, report.node, report.intervalMs, receivedAt));
  return rows;
}

/** Rows of one TURN report: allocations and relayed bytes, plus node usage. */
export function turnRows(tenant: string, report: TurnReport, receivedAt: Date): ServerEventRow[] {
  const rows: ServerEventRow[] = [
    {
      ...base(tenant, 'turn', 'turn', report, receivedAt, report.intervalMs),
      turn_allocations: report.allocations,
      turn_relayed_bytes: report.relayedBytes,
    },
  ];
  if (report.node) rows.push(nodeRow(tenant, 'turn', report, report.node, report.intervalMs, receivedAt));
  return rows;
}

/** The row of one recording job event. */
export function recordingRows(tenant: string, event: RecordingEvent, receivedAt: Date): ServerEventRow[] {
  return [
    {
      ...base(tenant, 'recording', 'recorder', event, receivedAt),
      job_id: event.jobId,
      session_id: event.sessionId,
      state: event.state,
      reason: event.reason ?? '',
      recording_duration_s: event.durationMs === undefined ? null : event.durationMs / 1000,
      recording_stored_bytes: event.bytes ?? null,
    },
  ];
}

/** The row of a stand-alone node usage report. */
export function nodeReportRows(tenant: string, report: NodeReport, receivedAt: Date): ServerEventRow[] {
  return [nodeRow(tenant, report.service, report, report.usage, report.intervalMs, receivedAt)];
}
