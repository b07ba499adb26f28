import type { NodeReport, RecordingEvent, SfuReport, TurnReport } from '@rtcpulse/schema';

/** Server keys of the seeded tenants (server events are posted with them). */
export const SEED_SERVER_KEYS = [
  { tenant: 'tenant-a', key: 'tenant-a-server-key-0123456789' },
  { tenant: 'tenant-b', key: 'tenant-b-server-key-0123456789' },
] as const;

/** One server report and the `/v1/server/<path>` it is posted to. */
export interface ServerPost {
  readonly path: 'sfu' | 'turn' | 'recordings' | 'node';
  readonly key: string;
  readonly body: SfuReport | TurnReport | RecordingEvent | NodeReport;
}

/** Each TURN and recorder report covers half a minute. */
const INTERVAL_MS = 30_000;

/** The SFU egress of each tenant is tenant-a's times this (its participants are tenant-a's times its `scale`). */
const EGRESS_FACTOR: Readonly<Record<string, number>> = { 'tenant-a': 1, 'tenant-b': 3 };

/**
 * The two SFU reports of a tenant, deliberately unlike each other so that a
 * panel dividing by the wrong denominator (per layer, per receiver, per
 * report, per minute, per participant without time) cannot come out right:
 * the earlier one (ending 60 s ago, 30 s long) has 4 participants and
 * egress to three receivers on three layers, the later one (ending 30 s
 * ago, 20 s long) 3 participants and egress to one receiver on one layer.
 * `scale` multiplies participants, `bytes` the egress.
 */
function seedSfuReports(tenant: string, now: number, scale: number, bytes: number): SfuReport[] {
  const node = { cpuCores: 4, cpuUtilizationPct: 35, memoryUsedBytes: 3e9, memoryLimitBytes: 8e9 };
  const earlier: SfuReport = {
    v: 1,
    nodeId: `sfu-${tenant}`,
    region: 'eu-west',
    ts: now - 2 * INTERVAL_MS,
    intervalMs: 30_000,
    participants: 4 * scale,
    node,
    forwarded: [
      { kind: 'video', layer: 'f', streams: scale },
      { kind: 'video', layer: 'q', streams: 2 * scale },
      { kind: 'audio', layer: '0', streams: 2 * scale },
    ],
    egress: [
      { sessionId: 'call-1', receiverId: 'r-1', kind: 'video', layer: 'f', bytes: 12e6 * bytes },
      { sessionId: 'call-1', receiverId: 'r-2', kind: 'video', layer: 'q', bytes: 3e6 * bytes },
      { sessionId: 'call-1', receiverId: 'r-2', kind: 'audio', layer: '0', bytes: 1e6 * bytes },
      { sessionId: 'call-1', receiverId: 'r-3', kind: 'video', layer: 'q', bytes: 3e6 * bytes },
      { sessionId: 'call-1', receiverId: 'r-3', kind: 'audio', layer: '0', bytes: 1e6 * bytes },
    ],
  };
  const later: SfuReport = {
    ...earlier,
    ts: now - INTERVAL_MS,
    intervalMs: 20_000,
    participants: 3 * scale,
    forwarded: [{ kind: 'video', layer: 'f', streams: scale }],
    egress: [{ sessionId: 'call-1', receiverId: 'r-1', kind: 'video', layer: 'f', bytes: 12e6 * bytes }],
  };
  return [earlier, later];
}

/**
 * What the SFU, TURN server and recorder of each tenant report over the
 * seeded calls (whose samples cover the last 80 s): the two SFU reports of
 * {@link seedSfuReports}, TURN relay and a recorder node in two reports, and
 * one finished recording per tenant, so every cost component is non-zero.
 */
export function seedServerReports(now: number): ServerPost[] {
  const posts: ServerPost[] = [];
  for (const [index, { tenant, key }] of SEED_SERVER_KEYS.entries()) {
    const scale = index + 1;
    for (const sfu of seedSfuReports(tenant, now, scale, EGRESS_FACTOR[tenant] ?? 1)) posts.push({ path: 'sfu', key, body: sfu });
    for (const ago of [2, 1]) {
      const ts = now - ago * INTERVAL_MS;
      const turn: TurnReport = { v: 1, nodeId: `turn-${tenant}`, region: 'us-east', ts, intervalMs: INTERVAL_MS, allocations: 2 * scale, relayedBytes: 8e6 * scale };
      const recorder: NodeReport = {
        v: 1,
        nodeId: `rec-${tenant}`,
        region: 'eu-west',
        ts,
        intervalMs: INTERVAL_MS,
        service: 'recorder',
        usage: { cpuCores: 2, cpuUtilizationPct: 60, memoryUsedBytes: 2e9 },
      };
      posts.push({ path: 'turn', key, body: turn }, { path: 'node', key, body: recorder });
    }
    const recording = { v: 1, nodeId: `rec-${tenant}`, region: 'eu-west', jobId: `job-${tenant}`, sessionId: 'call-1' } as const;
    posts.push(
      { path: 'recordings', key, body: { ...recording, ts: now - 3 * INTERVAL_MS, state: 'started' } },
      { path: 'recordings', key, body: { ...recording, ts: now - INTERVAL_MS, state: 'finished', durationMs: 2 * INTERVAL_MS, bytes: 150e6 * scale } },
    );
  }
  return posts;
}
