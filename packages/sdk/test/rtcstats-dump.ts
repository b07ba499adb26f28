// Test helper: reads the rtcstats dumps in /work/shared/fixtures/rtcstats-dumps
// and rebuilds the complete getStats() snapshot of every sample.
import { readFileSync, readdirSync } from 'node:fs';
import { toSnapshot, type StatsSnapshot } from '../src/extract/index.js';

/** The fixtures folder, resolved from this file (repo/../shared/fixtures/rtcstats-dumps). */
export const DUMPS_DIR = new URL('../../../../shared/fixtures/rtcstats-dumps/', import.meta.url);

type RawReport = Record<string, unknown>;
type RawState = Record<string, RawReport>;

/** One rebuilt getStats() sample of one peer connection. */
export interface DumpSample {
  pc: string;
  /** Index of the sample within its peer connection. */
  index: number;
  /** Client clock when the sample was taken (the line's timestamp). */
  clientTs: number;
  /** Latest ICE connection state the dump reported for this pc before the sample. */
  iceState: string | undefined;
  snapshot: StatsSnapshot;
}

/** A parsed dump. */
export interface Dump {
  name: string;
  userAgent: string | undefined;
  /** Samples of all peer connections, in file order. */
  samples: DumpSample[];
  /** Lines that were not `[method, pc, value, ...]` arrays (headers, metadata). */
  skippedLines: number;
}

/** Names of all dump files, sorted. */
export function listDumps(): string[] {
  return readdirSync(DUMPS_DIR)
    .filter((name) => name.endsWith('.rtcstats'))
    .sort();
}

function isRecord(value: unknown): value is RawReport {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies one delta-compressed `getstats` value to the previous state of its
 * peer connection: absent report ids were removed; present ones carry only
 * changed fields; `timestamp: 0` means the sample's top-level timestamp and a
 * missing `timestamp` keeps the old one.
 */
export function applyStatsDelta(previous: RawState | undefined, delta: RawReport): RawState {
  const top = typeof delta['timestamp'] === 'number' ? delta['timestamp'] : undefined;
  const next: RawState = {};
  for (const [id, report] of Object.entries(delta)) {
    if (id === 'timestamp' || !isRecord(report)) continue;
    const old = previous?.[id];
    const merged: RawReport = { ...old, ...report };
    if (report['timestamp'] === 0 || (report['timestamp'] === undefined && old === undefined)) merged['timestamp'] = top;
    else if (report['timestamp'] === undefined) merged['timestamp'] = old?.['timestamp'];
    next[id] = merged;
  }
  return next;
}

/** Reads and rebuilds one dump by file name. */
export function readDump(name: string): Dump {
  const text = readFileSync(new URL(name, DUMPS_DIR), 'utf8');
  const states = new Map<string, RawState>();
  const iceStates = new Map<string, string>();
  const counts = new Map<string, number>();
  const dump: Dump = { name, userAgent: undefined, samples: [], skippedLines: 0 };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      dump.skippedLines++;
      continue;
    }
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') {
      dump.skippedLines++;
      continue;
    }
    const [method, pc, value, clientTs] = parsed as [string, unknown, unknown, unknown];
    if (method === 'connectionInfo' && isRecord(value) && typeof value['userAgent'] === 'string') {
      dump.userAgent = value['userAgent'];
    }
    if (typeof pc !== 'string') continue;
    if (method === 'oniceconnectionstatechange' && typeof value === 'string') iceStates.set(pc, value);
    if (method !== 'getstats' || !isRecord(value)) continue;
    const state = applyStatsDelta(states.get(pc), value);
    states.set(pc, state);
    const index = counts.get(pc) ?? 0;
    counts.set(pc, index + 1);
    dump.samples.push({
      pc,
      index,
      clientTs: typeof clientTs === 'number' ? clientTs : 0,
      iceState: iceStates.get(pc),
      snapshot: toSnapshot(state),
    });
  }
  return dump;
}
