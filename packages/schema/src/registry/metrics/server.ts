import { PERCENT } from '../buckets.js';
import type { MetricAttribute, MetricDefinition } from '../types.js';

/** Recording job lengths in seconds: one minute to eight hours. */
export const RECORDING_SECONDS = [60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800] as const;

const REGION: readonly MetricAttribute[] = ['region'];
const NODE: readonly MetricAttribute[] = ['region', 'service'];
const LAYERED: readonly MetricAttribute[] = ['region', 'media.kind', 'layer'];

/**
 * Server-side metrics reported by SFUs, TURN servers and recorders through
 * the collector's server events API (`/v1/server/*`). Gauges are summed over
 * the live nodes that report them; cost counters are derived by the
 * collector from the reported usage and its pricing configuration.
 */
export const SERVER_METRICS = [
  // ---- SFU -----------------------------------------------------------------
  {
    key: 'sfu_egress_bytes',
    name: 'webrtc.sfu.egress',
    unit: 'By',
    family: 'cost',
    scope: 'server',
    source: 'sfu',
    instrument: 'counter',
    attributes: LAYERED,
    description: 'Bytes the SFU sent to receivers, per media kind and simulcast/SVC layer. Runbook entry 4.',
  },
  {
    key: 'sfu_forwarded_streams',
    name: 'webrtc.sfu.forwarded_streams',
    unit: '{stream}',
    family: 'cost',
    scope: 'server',
    source: 'sfu',
    instrument: 'gauge',
    attributes: LAYERED,
    description: 'Streams the SFU forwards to receivers right now, per media kind and layer.',
  },
  {
    key: 'sfu_participants',
    name: 'webrtc.sfu.participants',
    unit: '{participant}',
    family: 'cost',
    scope: 'server',
    source: 'sfu',
    instrument: 'gauge',
    attributes: REGION,
    description: 'Participants connected to the SFU nodes.',
  },
  {
    key: 'sfu_participant_time_h',
    name: 'webrtc.sfu.participant_time',
    unit: 'h',
    family: 'cost',
    scope: 'server',
    source: 'sfu',
    instrument: 'counter',
    attributes: REGION,
    description: 'Participant-hours served (participants times the report interval): the denominator of every per-participant-hour cost.',
  },
  // ---- any server node -----------------------------------------------------
  {
    key: 'server_cpu_utilization_pct',
    name: 'webrtc.server.cpu.utilization',
    unit: '%',
    family: 'cost',
    scope: 'server',
    source: 'node',
    instrument: 'histogram',
    buckets: PERCENT,
    attributes: NODE,
    description: 'CPU utilization of a server node over a report interval (one observation per node and interval).',
  },
  {
    key: 'server_memory_usage_bytes',
    name: 'webrtc.server.memory.usage',
    unit: 'By',
    family: 'cost',
    scope: 'server',
    source: 'node',
    instrument: 'gauge',
    attributes: NODE,
    description: 'Memory in use on the server nodes.',
  },
  // ---- TURN ----------------------------------------------------------------
  {
    key: 'turn_allocations',
    name: 'webrtc.turn.allocations',
    unit: '{allocation}',
    family: 'cost',
    scope: 'server',
    source: 'turn',
    instrument: 'gauge',
    attributes: REGION,
    description: 'Active TURN allocations. Compared with live sessions to catch leaked allocations (runbook entry 10).',
  },
  {
    key: 'turn_relayed_bytes',
    name: 'webrtc.turn.relayed',
    unit: 'By',
    family: 'cost',
    scope: 'server',
    source: 'turn',
    instrument: 'counter',
    attributes: REGION,
    description: 'Bytes the TURN server sent while relaying, towards clients and towards peers.',
  },
  // ---- recorder ------------------------------------------------------------
  {
    key: 'recording_jobs',
    name: 'webrtc.recording.jobs',
    unit: '{job}',
    family: 'errors',
    scope: 'server',
    source: 'recorder',
    instrument: 'counter',
    attributes: ['region', 'outcome'],
    description: 'Recording jobs by outcome: started, succeeded, failed. Success rate = succeeded / (succeeded + failed); runbook entry 5.',
  },
  {
    key: 'recording_duration_s',
    name: 'webrtc.recording.duration',
    unit: 's',
    family: 'cost',
    scope: 'server',
    source: 'recorder',
    instrument: 'histogram',
    buckets: RECORDING_SECONDS,
    attributes: ['region', 'outcome'],
    description: 'Length of finished or failed recording jobs.',
  },
  {
    key: 'recording_stored_bytes',
    name: 'webrtc.recording.stored',
    unit: 'By',
    family: 'cost',
    scope: 'server',
    source: 'recorder',
    instrument: 'counter',
    attributes: REGION,
    description: 'Bytes of finished recordings written to storage.',
  },
  // ---- cost (derived by the collector from usage and pricing) --------------
  {
    key: 'cost_cpu_usd',
    name: 'webrtc.cost.cpu',
    unit: '{USD}',
    family: 'cost',
    scope: 'server',
    source: 'cost',
    instrument: 'counter',
    attributes: NODE,
    description: 'CPU cost: provisioned cores times hours times the CPU-hour price. Runbook entry 8.',
  },
  {
    key: 'cost_ram_usd',
    name: 'webrtc.cost.ram',
    unit: '{USD}',
    family: 'cost',
    scope: 'server',
    source: 'cost',
    instrument: 'counter',
    attributes: NODE,
    description: 'Memory cost: provisioned (or used) GB times hours times the GB-hour price. Runbook entry 8.',
  },
  {
    key: 'cost_egress_usd',
    name: 'webrtc.cost.egress',
    unit: '{USD}',
    family: 'cost',
    scope: 'server',
    source: 'cost',
    instrument: 'counter',
    attributes: NODE,
    description: 'Egress cost: SFU egress GB at the egress price plus TURN relayed GB at the TURN price (service tells which). Runbook entry 8.',
  },
  {
    key: 'cost_storage_usd',
    name: 'webrtc.cost.storage',
    unit: '{USD}',
    family: 'cost',
    scope: 'server',
    source: 'cost',
    instrument: 'counter',
    attributes: NODE,
    description: 'Recording storage cost: GB stored times the GB-month price times the retention in months, booked when a recording finishes. Runbook entry 8.',
  },
] as const satisfies readonly MetricDefinition[];
