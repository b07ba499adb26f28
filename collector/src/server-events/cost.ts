import type { NodeUsage, Pricing } from '@rtcpulse/schema';
import { MS_PER_HOUR } from './rows.js';

/** Bytes in a billed gigabyte (decimal, as clouds bill). */
export const BYTES_PER_GB = 1e9;

/** Billable quantities over a time range. */
export interface Usage {
  /** Provisioned vCPUs times hours, over every reporting node. */
  readonly cpuHours: number;
  /** Provisioned (else used) memory in GB times hours. */
  readonly ramGbHours: number;
  /** GB the SFUs sent to receivers. */
  readonly egressGb: number;
  /** GB the TURN servers sent while relaying. */
  readonly turnGb: number;
  /** GB of recordings that finished. */
  readonly storedGb: number;
  /** Participants times hours on the SFUs. */
  readonly participantHours: number;
}

/** Dollars per component; `egress` includes TURN relay (also shown alone as `turn`). */
export interface CostComponents {
  readonly cpu: number;
  readonly ram: number;
  readonly egress: number;
  readonly storage: number;
  readonly total: number;
  /** The TURN part of `egress`. */
  readonly turn: number;
}

/** Cost of a range and the same per participant-hour (null without participant time). */
export interface CostBreakdown {
  readonly usage: Usage;
  readonly cost: CostComponents;
  readonly perParticipantHour: CostComponents | null;
}

/** CPU and RAM dollars of one node over one interval. */
export function nodeCost(usage: NodeUsage, intervalMs: number, pricing: Pricing): { cpu: number; ram: number } {
  const hours = intervalMs / MS_PER_HOUR;
  const memoryGb = (usage.memoryLimitBytes ?? usage.memoryUsedBytes) / BYTES_PER_GB;
  return { cpu: usage.cpuCores * hours * pricing.cpuHour, ram: memoryGb * hours * pricing.ramGbHour };
}

/** Dollars of SFU egress bytes. */
export const egressCost = (bytes: number, pricing: Pricing): number => (bytes / BYTES_PER_GB) * pricing.egressPerGb;
/** Dollars of TURN relayed bytes. */
export const turnCost = (bytes: number, pricing: Pricing): number => (bytes / BYTES_PER_GB) * pricing.turnPerGb;
/** Dollars of storing a finished recording for the retention period. */
export const storageCost = (bytes: number, pricing: Pricing): number =>
  (bytes / BYTES_PER_GB) * pricing.storageGbMonth * pricing.storageRetentionMonths;

function divide(cost: CostComponents, by: number): CostComponents {
  return {
    cpu: cost.cpu / by,
    ram: cost.ram / by,
    egress: cost.egress / by,
    storage: cost.storage / by,
    total: cost.total / by,
    turn: cost.turn / by,
  };
}

/**
 * Cost per participant-hour, decomposed (runbook entry 8):
 *
 *     cpu     = cpuHours × cpuHour
 *     ram     = ramGbHours × ramGbHour
 *     egress  = egressGb × egressPerGb + turnGb × turnPerGb
 *     storage = storedGb × storageGbMonth × storageRetentionMonths
 *     per participant-hour = each component / participantHours
 */
export function costBreakdown(usage: Usage, pricing: Pricing): CostBreakdown {
  const turn = usage.turnGb * pricing.turnPerGb;
  const cpu = usage.cpuHours * pricing.cpuHour;
  const ram = usage.ramGbHours * pricing.ramGbHour;
  const egress = usage.egressGb * pricing.egressPerGb + turn;
  const storage = usage.storedGb * pricing.storageGbMonth * pricing.storageRetentionMonths;
  const cost = { cpu, ram, egress, storage, total: cpu + ram + egress + storage, turn };
  return { usage, cost, perParticipantHour: usage.participantHours > 0 ? divide(cost, usage.participantHours) : null };
}
