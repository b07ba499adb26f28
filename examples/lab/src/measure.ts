import type { ReportedCall, ReportedSample } from './reported.js';

/** The lab's sender is reported as `pc0`, its receiver as `pc1`. */
export const SENDER_PC = 'pc0';
export const RECEIVER_PC = 'pc1';

type NumericColumn = {
  [K in keyof ReportedSample]: ReportedSample[K] extends number | null ? K : never;
}[keyof ReportedSample];

/**
 * The non-null values of one column for one peer connection, skipping the
 * first interval (a first sample has no deltas, the second covers call
 * setup) so that percentiles describe the steady call.
 */
export function columnValues(call: ReportedCall, pc: string, column: NumericColumn, skip = 2): number[] {
  return call.samples
    .filter((s) => s.pc_id === pc && s.seq >= skip)
    .map((s) => s[column])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/** Nearest-rank percentile (0..100) of a list; undefined for an empty one. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Inbound audio loss over the whole steady call from the reported counters:
 * lost / (received + lost), in percent.
 */
export function overallAudioLossPct(call: ReportedCall, pc: string = RECEIVER_PC): number | undefined {
  const lost = columnValues(call, pc, 'audio_in_packets_lost').reduce((a, b) => a + b, 0);
  const received = columnValues(call, pc, 'audio_in_packets').reduce((a, b) => a + b, 0);
  return received + lost > 0 ? (100 * lost) / (received + lost) : undefined;
}

/** Distinct non-empty values of a label on one peer connection's samples. */
export function labelValues(call: ReportedCall, pc: string, label: 'local_candidate_type' | 'remote_candidate_type' | 'relay_protocol'): string[] {
  return [...new Set(call.samples.filter((s) => s.pc_id === pc).map((s) => s[label]).filter((v) => v !== ''))].sort();
}

/** Peer connections that reported a state event of the given type and state. */
export function pcsWithState(call: ReportedCall, type: string, state: string): string[] {
  return [...new Set(call.events.filter((e) => e.type === type && e.state === state).map((e) => e.pc_id))].sort();
}

/** A number for the table: up to one decimal, or "–" when nothing was reported. */
export function shown(value: number | undefined, unit = ''): string {
  if (value === undefined) return '–';
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded}${unit ? ` ${unit}` : ''}`;
}

/** True when `value` is defined and within [min, max]. */
export function within(value: number | undefined, min: number, max: number): boolean {
  return value !== undefined && value >= min && value <= max;
}
