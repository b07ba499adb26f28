import type { ClientMeta, ReportEvent, Sample } from '@rtcpulse/schema';
import { extractSample, type StatsSnapshot } from '@rtcpulse/sdk/extract';
import { metaFromUserAgent, metaFromUserAgentData } from './client-meta.js';
import type { DumpEntry } from './dump-entry.js';
import { eventForEntry, type EventBody } from './dump-events.js';
import type { ImportReport, PeerConnectionReport } from './import-report.js';
import { SnapshotRebuilder } from './snapshots.js';
import { isRecord } from './stats-delta.js';
import { classifySnapshot } from './stats-types.js';
import { hasTime } from './timestamps.js';

/** Where replayed samples and events go, in dump order. */
export interface ReplaySink {
  sample(sample: Sample): void;
  event(event: ReportEvent): void;
  /** Called once, when the dump's user agent has been read. */
  meta?(meta: ClientMeta): void;
}

/** The time a replayed call covers, ms since the Unix epoch. */
export interface ReplaySpan {
  start: number;
  end: number;
}

interface PcState {
  report: PeerConnectionReport;
  seq: number;
  previous: StatsSnapshot | undefined;
  gatheringStartedAt: number | undefined;
  pairFormed: boolean;
  /** The `ice.pair.formed` event waiting for the next stats snapshot's selected pair (its candidate types), as the SDK reads them. */
  pendingPair: ReportEvent | undefined;
  /** A `pc.closed` was reported (Chrome's `remove` after a `close` makes none). */
  closed: boolean;
}

/**
 * Replays a dump's entries as the SDK would have reported the call: each
 * stats snapshot goes through the SDK's own `extractSample` against the
 * previous one of its peer connection; lifecycle entries become events
 * (including the SDK's `ice.pair.formed`: from the start of ICE gathering to
 * the first `connected`, sent with the local and remote candidate types of
 * the connection's next stats, as the SDK reads them after connecting); at the end a `session.start` and a
 * `session.end` (name `imported`) at the earliest and latest time of the
 * call: the times of the peer connections' entries, of the samples and of
 * page-level error events. Page-level header entries (`connectionInfo`,
 * `identity`, …) do not count: some dumps stamp them with a server time
 * years after the call. Entries without a usable time (`ts` `NaN`) make no
 * event; their stats still update the peer connection's state, and a sample
 * from them carries the stats' own time. Counts everything it could not
 * read into `report`.
 */
export class DumpReplay {
  private readonly rebuilder = new SnapshotRebuilder();
  private readonly pcs = new Map<string, PcState>();
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  /** Client facts from the dump's user agent, once seen. */
  meta: ClientMeta | undefined;

  constructor(
    private readonly sink: ReplaySink,
    readonly report: ImportReport,
  ) {}

  /** Feeds one entry, in dump order. */
  add(entry: DumpEntry): void {
    this.report.entries++;
    this.readMeta(entry);
    const body = eventForEntry(entry.method, entry.value);
    if (body === undefined) this.report.unknownMethods[entry.method] = (this.report.unknownMethods[entry.method] ?? 0) + 1;
    const timed = hasTime(entry.ts);
    if (entry.pc === undefined) {
      if (body?.type === 'error' && timed) this.emit({ ...body, ts: this.widen(entry.ts) });
      return;
    }
    const pc = this.pcState(entry.pc);
    if (timed) this.widen(entry.ts);
    if (body && timed && !this.closedAgain(body, pc)) {
      this.emit({ ...body, pc: entry.pc, ts: entry.ts });
      this.trackPairFormation(entry, pc);
    }
    if (entry.method === 'getstats') this.replayStats(entry, pc);
  }

  /** The call's earliest and latest time so far (undefined before any timed peer connection entry, sample or error). */
  get span(): ReplaySpan | undefined {
    return this.start <= this.end ? { start: this.start, end: this.end } : undefined;
  }

  /** Starts and ends the session at the call's earliest and latest time. */
  finish(): void {
    // A connection whose dump ends before its next stats: its formation time without candidate types.
    for (const pc of this.pcs.values()) this.emitPendingPair(pc, undefined);
    const span = this.span;
    if (!span) return;
    this.emit({ ts: span.start, type: 'session.start' });
    this.emit({ ts: span.end, type: 'session.end', name: 'imported' });
  }

  private widen(ts: number): number {
    this.start = Math.min(this.start, ts);
    this.end = Math.max(this.end, ts);
    return ts;
  }

  private readMeta(entry: DumpEntry): void {
    if (this.meta || !isRecord(entry.value)) return;
    if (entry.method === 'connectionInfo' && typeof entry.value['userAgent'] === 'string') {
      this.meta = metaFromUserAgent(entry.value['userAgent']);
    } else if (entry.method === 'create' && entry.pc === undefined) {
      this.meta = metaFromUserAgentData(entry.value['userAgentData']);
    }
    if (this.meta) this.sink.meta?.(this.meta);
  }

  private pcState(id: string): PcState {
    let state = this.pcs.get(id);
    if (!state) {
      state = { report: { samples: 0, events: 0, legacySamples: 0 }, seq: 0, previous: undefined, gatheringStartedAt: undefined, pairFormed: false, pendingPair: undefined, closed: false };
      this.pcs.set(id, state);
      this.report.peerConnections[id] = state.report;
    }
    return state;
  }

  private emit(event: ReportEvent): void {
    this.sink.event(event);
    this.report.events++;
    if (event.pc !== undefined) this.pcState(event.pc).report.events++;
  }

  /** True for a second `pc.closed` of one connection (`close`, then Chrome's `remove`): the first one is its end. */
  private closedAgain(body: EventBody, pc: PcState): boolean {
    if (body.type !== 'pc.closed') return false;
    const again = pc.closed;
    pc.closed = true;
    return again;
  }

  private trackPairFormation(entry: DumpEntry, pc: PcState): void {
    if (entry.method === 'onicegatheringstatechange' && entry.value === 'gathering') pc.gatheringStartedAt ??= entry.ts;
    if (entry.method !== 'oniceconnectionstatechange' || pc.pairFormed) return;
    if (entry.value !== 'connected' && entry.value !== 'completed') return;
    pc.pairFormed = true;
    if (pc.gatheringStartedAt !== undefined && entry.pc !== undefined) {
      pc.pendingPair = { pc: entry.pc, ts: entry.ts, type: 'ice.pair.formed', value: Math.max(0, entry.ts - pc.gatheringStartedAt) };
    }
  }

  /** Emits a waiting `ice.pair.formed` with the local and remote candidate types of `labels` (a sample's), as the SDK names them. */
  private emitPendingPair(pc: PcState, labels: Sample['labels'] | undefined): void {
    const event = pc.pendingPair;
    if (!event) return;
    pc.pendingPair = undefined;
    const name = labels?.local_candidate_type;
    const stage = labels?.remote_candidate_type;
    this.emit({ ...event, ...(name ? { name } : {}), ...(stage ? { stage } : {}) });
  }

  private replayStats(entry: DumpEntry, pc: PcState): void {
    if (!isRecord(entry.value)) {
      this.report.unusableEntries++;
      return;
    }
    const rebuilt = this.rebuilder.add(entry);
    if (!rebuilt || entry.pc === undefined) return;
    const kinds = classifySnapshot(rebuilt.snapshot);
    for (const type of kinds.unknownTypes) this.report.unknownStatsTypes[type] = (this.report.unknownStatsTypes[type] ?? 0) + 1;
    if (kinds.standard === 0 && kinds.legacy > 0) {
      pc.report.legacySamples++;
      this.report.legacyStatsSamples++;
      return;
    }
    // Something was there, none of it of use: a sample lost, said so (an empty stats object loses nothing).
    if (kinds.standard === 0) return void (kinds.unknownTypes.length && this.report.unknownOnlyStatsSamples++);
    // A gap over the wire's one-hour limit gives an interval-less sample (extractSample's own rule).
    const body = extractSample(pc.previous, rebuilt.snapshot);
    pc.previous = rebuilt.snapshot;
    this.emitPendingPair(pc, body.labels);
    if (body.ts > 0) this.widen(body.ts);
    this.sink.sample({ ...body, pc: entry.pc, seq: pc.seq++ });
    pc.report.samples++;
    this.report.samples++;
  }
}
