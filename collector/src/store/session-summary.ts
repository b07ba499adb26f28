import { sampleColumns, type ReportBatch, type Sample } from '@rtcpulse/schema';
import { clientMeta, sampleValue } from './rows.js';
import { SESSION_FIGURES, SESSION_TOTALS } from './sessions-table.js';

/**
 * Most peer connection ids a summary remembers, and so counts: `pc_count` is
 * the number of distinct ids seen, up to this many (a session with more
 * shows this many); beyond it an id cannot be told from one seen before.
 */
export const MAX_PC_IDS = 1024;

interface Figure {
  sum: number;
  n: number;
  worst: number | null;
}

/** A session's running summary: what one `sessions` row holds, in a form that merges cheaply. */
export interface SessionSummary {
  readonly tenant: string;
  readonly sessionId: string;
  callId: string;
  participantId: string;
  /** Sequence number of the last ingest record applied; the row's version. */
  version: number;
  state: 'active' | 'ended';
  endReason: string;
  firstSeen: number;
  lastSeen: number;
  firstReceivedAt: number;
  lastReceivedAt: number;
  meta: Record<string, string>;
  /** Distinct peer connection ids seen, up to {@link MAX_PC_IDS}: the row's `pc_ids`, and `pc_count` is their number. */
  pcIds: string[];
  sampleCount: number;
  eventCount: number;
  errorCount: number;
  batchCount: number;
  droppedSamples: number;
  droppedEvents: number;
  /** Latest consent state the session reported (`unknown` until one is). */
  consent: string;
  /** `batchSeq` of the batch `consent` came from (-1 before any). */
  consentBatchSeq: number;
  /** Latest sampling rate the session reported, null until one is. */
  sampleRate: number | null;
  figures: Record<string, Figure>;
  totals: Record<string, number>;
}

/** Key of a session in maps: tenant and session id. */
export function sessionKey(tenant: string, sessionId: string): string {
  return `${tenant}\u0000${sessionId}`;
}

function emptySummary(batch: ReportBatch, receivedAt: number): SessionSummary {
  return {
    tenant: batch.tenant,
    sessionId: batch.sessionId,
    callId: batch.callId,
    participantId: batch.participantId,
    version: 0,
    state: 'active',
    endReason: '',
    firstSeen: Number.POSITIVE_INFINITY,
    lastSeen: Number.NEGATIVE_INFINITY,
    firstReceivedAt: receivedAt,
    lastReceivedAt: receivedAt,
    meta: {},
    pcIds: [],
    sampleCount: 0,
    eventCount: 0,
    errorCount: 0,
    batchCount: 0,
    droppedSamples: 0,
    droppedEvents: 0,
    consent: 'unknown',
    consentBatchSeq: -1,
    sampleRate: null,
    figures: Object.fromEntries(SESSION_FIGURES.map((f) => [f.name, { sum: 0, n: 0, worst: null }])),
    totals: Object.fromEntries(SESSION_TOTALS.map((t) => [t.name, 0])),
  };
}

function addPc(summary: SessionSummary, pc: string): void {
  if (summary.pcIds.length >= MAX_PC_IDS || summary.pcIds.includes(pc)) return;
  summary.pcIds.push(pc);
}

/** Where a `samples` column's value sits in a sample: the connection's values, or a stream's. */
interface ColumnSource {
  readonly stream: string | undefined;
  readonly key: string;
}

let sources: ReadonlyMap<string, ColumnSource> | undefined;

function columnSource(column: string): ColumnSource {
  sources ??= new Map(sampleColumns().map((c) => [c.column, { stream: c.stream, key: c.metric.key }]));
  const source = sources.get(column);
  if (!source) throw new Error(`no samples column ${column}`);
  return source;
}

function columnValue(sample: Sample, column: string): number | undefined {
  const { stream, key } = columnSource(column);
  return sampleValue(sample, stream, key);
}

function addSamples(summary: SessionSummary, samples: readonly Sample[]): void {
  for (const sample of samples) {
    for (const figure of SESSION_FIGURES) {
      const state = summary.figures[figure.name] ?? { sum: 0, n: 0, worst: null };
      for (const column of figure.columns) {
        const value = columnValue(sample, column);
        if (value === undefined) continue;
        state.sum += value;
        state.n += 1;
        const worse = state.worst === null || (figure.lowerIsWorse ? value < state.worst : value > state.worst);
        if (worse) state.worst = value;
      }
      summary.figures[figure.name] = state;
    }
    for (const total of SESSION_TOTALS) {
      for (const column of total.columns) {
        const value = columnValue(sample, column);
        if (value !== undefined) summary.totals[total.name] = (summary.totals[total.name] ?? 0) + value;
      }
    }
  }
}

/** A copy of a summary that shares nothing mutable with it. */
function copySummary(s: SessionSummary): SessionSummary {
  const figures: Record<string, Figure> = {};
  for (const [name, f] of Object.entries(s.figures)) figures[name] = { ...f };
  return { ...s, meta: { ...s.meta }, pcIds: [...s.pcIds], figures, totals: { ...s.totals } };
}

/** One accepted report as the summary reads it: its batch and receive time. */
export interface ReceivedReport {
  readonly batch: ReportBatch;
  readonly receivedAt: number;
}

/** Add one report to a summary being built (mutates `s`). */
function addReport(s: SessionSummary, { batch, receivedAt }: ReceivedReport): void {
  s.callId = batch.callId;
  s.participantId = batch.participantId;
  s.lastReceivedAt = Math.max(s.lastReceivedAt, receivedAt);
  s.firstReceivedAt = Math.min(s.firstReceivedAt, receivedAt);
  s.meta = clientMeta(batch);
  for (const sample of batch.samples) {
    addPc(s, sample.pc);
    s.firstSeen = Math.min(s.firstSeen, sample.ts);
    s.lastSeen = Math.max(s.lastSeen, sample.ts);
  }
  for (const event of batch.events) {
    if (event.pc) addPc(s, event.pc);
    s.firstSeen = Math.min(s.firstSeen, event.ts);
    s.lastSeen = Math.max(s.lastSeen, event.ts);
    if (event.type === 'error') s.errorCount += 1;
    if (event.type === 'session.end') {
      s.state = 'ended';
      s.endReason = event.name ?? '';
    }
  }
  s.sampleCount += batch.samples.length;
  s.eventCount += batch.events.length;
  s.batchCount += 1;
  s.droppedSamples += batch.dropped.samples;
  s.droppedEvents += batch.dropped.events;
  if (batch.consent !== undefined && batch.batchSeq >= s.consentBatchSeq) {
    s.consent = batch.consent;
    s.consentBatchSeq = batch.batchSeq;
  }
  if (batch.sampleRate !== undefined) s.sampleRate = batch.sampleRate;
  addSamples(s, batch.samples);
}

/**
 * Fold the reports of ONE session that one ingest record carries (at least
 * one, in the record's order) into the session's summary, as a copy:
 * `previous` is left as it was. `version` is the record's sequence number
 * and becomes the summary's version. A summary whose version is already
 * `version` or later has this record applied and is returned unchanged, so
 * replaying a record never counts it twice; and since all of the record's
 * reports of the session are folded in one call, several batches of a
 * session that arrive together (an end-of-session burst, retries after an
 * outage) all count.
 */
export function applyRecordReports(
  previous: SessionSummary | undefined,
  reports: readonly [ReceivedReport, ...ReceivedReport[]],
  version: number,
): SessionSummary {
  if (previous && previous.version >= version) return previous;
  const first = reports[0];
  const s: SessionSummary = previous ? copySummary(previous) : emptySummary(first.batch, first.receivedAt);
  s.version = version;
  for (const report of reports) addReport(s, report);
  return s;
}
