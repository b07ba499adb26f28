// Test helper: reads the rtcstats dumps in /work/shared/fixtures/rtcstats-dumps
// and rebuilds the complete getStats() snapshot of every sample. The dump
// reading itself lives in the importer (@rtcpulse/importer), which replays
// the same dumps into the collector.
import { readFileSync, readdirSync } from 'node:fs';
import { RtcstatsLineReader, SnapshotRebuilder, isRecord } from '@rtcpulse/importer';
import type { StatsSnapshot } from '../src/extract/index.js';

export { applyStatsDelta } from '@rtcpulse/importer';

/** The fixtures folder, resolved from this file (repo/../shared/fixtures/rtcstats-dumps). */
export const DUMPS_DIR = new URL('../../../../shared/fixtures/rtcstats-dumps/', import.meta.url);

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

/** Reads and rebuilds one dump by file name. */
export function readDump(name: string): Dump {
  const text = readFileSync(new URL(name, DUMPS_DIR), 'utf8');
  const reader = new RtcstatsLineReader();
  const rebuilder = new SnapshotRebuilder();
  const dump: Dump = { name, userAgent: undefined, samples: [], skippedLines: 0 };
  for (const line of text.split('\n')) {
    const entry = reader.read(line);
    if (!entry) continue;
    if (entry.method === 'connectionInfo' && isRecord(entry.value) && typeof entry.value['userAgent'] === 'string') {
      dump.userAgent = entry.value['userAgent'];
    }
    const rebuilt = rebuilder.add(entry);
    if (rebuilt) {
      dump.samples.push({ pc: rebuilt.pc, index: rebuilt.index, clientTs: rebuilt.ts, iceState: rebuilt.iceState, snapshot: rebuilt.snapshot });
    }
  }
  dump.skippedLines = reader.problems.unparseable + reader.problems.malformed + reader.problems.headers;
  return dump;
}
