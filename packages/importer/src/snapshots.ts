import { dumpSnapshot, type StatsSnapshot } from '@rtcpulse/sdk/extract';
import type { DumpEntry } from './dump-entry.js';
import { applyStatsDelta, isRecord, type RawState } from './stats-delta.js';

/** One rebuilt, complete getStats() snapshot of one peer connection. */
export interface DumpSnapshot {
  pc: string;
  /** Index of the snapshot within its peer connection, from 0. */
  index: number;
  /** Client clock of the dump entry, ms since the Unix epoch. */
  ts: number;
  /** The latest ICE connection state the dump recorded for this peer connection before the snapshot. */
  iceState: string | undefined;
  snapshot: StatsSnapshot;
}

/**
 * Turns a dump's entries, in order, into complete stats snapshots: keeps
 * each peer connection's raw stats state (applying the delta compression)
 * and its latest ICE connection state.
 */
export class SnapshotRebuilder {
  private readonly states = new Map<string, RawState>();
  private readonly iceStates = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  /** Feeds one entry; returns the snapshot when the entry was a stats sample. */
  add(entry: DumpEntry): DumpSnapshot | undefined {
    const { pc, method, value } = entry;
    if (pc === undefined) return undefined;
    if (method === 'oniceconnectionstatechange' && typeof value === 'string') this.iceStates.set(pc, value);
    if (method !== 'getstats' || !isRecord(value)) return undefined;
    const state = applyStatsDelta(this.states.get(pc), value);
    this.states.set(pc, state);
    const index = this.counts.get(pc) ?? 0;
    this.counts.set(pc, index + 1);
    return { pc, index, ts: entry.ts, iceState: this.iceStates.get(pc), snapshot: dumpSnapshot(state) };
  }
}
