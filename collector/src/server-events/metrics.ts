import type { NodeUsage, Pricing, RecordingEvent, ServerService, SfuReport, TurnReport } from '@rtcpulse/schema';
import type { Telemetry } from '../telemetry/telemetry.js';
import { egressCost, nodeCost, storageCost, turnCost } from './cost.js';
import { MS_PER_HOUR } from './rows.js';

/** A node's gauges count for three report intervals, within these bounds. */
const GAUGE_TTL_MIN_MS = 15_000;
const GAUGE_TTL_MAX_MS = 15 * 60_000;

const gaugeTtl = (intervalMs: number): number => Math.min(GAUGE_TTL_MAX_MS, Math.max(GAUGE_TTL_MIN_MS, 3 * intervalMs));

const RECORDING_OUTCOME: Readonly<Record<RecordingEvent['state'], string>> = {
  started: 'started',
  finished: 'succeeded',
  failed: 'failed',
};

/**
 * Recording jobs whose start or end this instance has counted, oldest
 * forgotten first: an end announced again is counted once (the first one
 * seen; the SQL forms take each job's last), within this bound and this
 * instance's lifetime.
 */
const COUNTED_JOBS = 100_000;

/** Records server reports as registry metrics, with costs from the pricing. */
export interface ServerMetrics {
  sfu(tenant: string, report: SfuReport): void;
  turn(tenant: string, report: TurnReport): void;
  recording(tenant: string, event: RecordingEvent): void;
  node(tenant: string, service: ServerService, nodeId: string, region: string | undefined, usage: NodeUsage, intervalMs: number): void;
}

/** Turn server reports into OpenTelemetry measurements (see the registry's server metrics). */
export function createServerMetrics(telemetry: Telemetry, pricing: () => Pricing): ServerMetrics {
  const countedJobs = new Set<string>();
  const node: ServerMetrics['node'] = (tenant, service, nodeId, region, usage, intervalMs) => {
    const attributes = { region, service };
    telemetry.record('webrtc.server.cpu.utilization', usage.cpuUtilizationPct, attributes);
    telemetry.setNodeGauge(
      'webrtc.server.memory.usage',
      `${tenant}/${service}/${nodeId}`,
      [{ value: usage.memoryUsedBytes, attributes }],
      gaugeTtl(intervalMs),
    );
    const cost = nodeCost(usage, intervalMs, pricing());
    telemetry.record('webrtc.cost.cpu', cost.cpu, attributes);
    telemetry.record('webrtc.cost.ram', cost.ram, attributes);
  };

  return {
    node,
    sfu(tenant, report) {
      const key = `${tenant}/sfu/${report.nodeId}`;
      const ttl = gaugeTtl(report.intervalMs);
      const region = report.region;
      const byLayer = new Map<string, { kind: string; layer: string; bytes: number }>();
      let egressBytes = 0;
      for (const e of report.egress) {
        const id = `${e.kind}/${e.layer}`;
        const entry = byLayer.get(id) ?? { kind: e.kind, layer: e.layer, bytes: 0 };
        entry.bytes += e.bytes;
        byLayer.set(id, entry);
        egressBytes += e.bytes;
      }
      for (const entry of byLayer.values()) {
        telemetry.record('webrtc.sfu.egress', entry.bytes, { region, 'media.kind': entry.kind, layer: entry.layer });
      }
      telemetry.record('webrtc.sfu.participant_time', (report.participants * report.intervalMs) / MS_PER_HOUR, { region });
      telemetry.setNodeGauge('webrtc.sfu.participants', key, [{ value: report.participants, attributes: { region } }], ttl);
      telemetry.setNodeGauge(
        'webrtc.sfu.forwarded_streams',
        key,
        report.forwarded.map((f) => ({ value: f.streams, attributes: { region, 'media.kind': f.kind, layer: f.layer } })),
        ttl,
      );
      telemetry.record('webrtc.cost.egress', egressCost(egressBytes, pricing()), { region, service: 'sfu' });
      if (report.node) node(tenant, 'sfu', report.nodeId, region, report.node, report.intervalMs);
    },
    turn(tenant, report) {
      const region = report.region;
      telemetry.setNodeGauge(
        'webrtc.turn.allocations',
        `${tenant}/turn/${report.nodeId}`,
        [{ value: report.allocations, attributes: { region } }],
        gaugeTtl(report.intervalMs),
      );
      telemetry.record('webrtc.turn.relayed', report.relayedBytes, { region });
      telemetry.record('webrtc.cost.egress', turnCost(report.relayedBytes, pricing()), { region, service: 'turn' });
      if (report.node) node(tenant, 'turn', report.nodeId, region, report.node, report.intervalMs);
    },
    recording(tenant, event) {
      // A job's start and its end count once each: a recorder that announces them again (a restart) is not a second job.
      const key = `${tenant}\0${event.jobId}\0${event.state === 'started' ? 'start' : 'end'}`;
      if (countedJobs.has(key)) return;
      countedJobs.add(key);
      if (countedJobs.size > COUNTED_JOBS) countedJobs.delete(countedJobs.values().next().value as string);
      const region = event.region;
      const outcome = RECORDING_OUTCOME[event.state];
      telemetry.record('webrtc.recording.jobs', 1, { region, outcome });
      if (event.state !== 'started' && event.durationMs !== undefined) {
        telemetry.record('webrtc.recording.duration', event.durationMs / 1000, { region, outcome });
      }
      if (event.state === 'finished' && event.bytes !== undefined) {
        telemetry.record('webrtc.recording.stored', event.bytes, { region });
        telemetry.record('webrtc.cost.storage', storageCost(event.bytes, pricing()), { region, service: 'recorder' });
      }
    },
  };
}
