import type { ClientMeta, ReportBatch } from '@rtcpulse/schema';
import { Batcher, DEFAULT_BATCH_SAMPLES, type ImportIdentity } from './batcher.js';
import { DumpConverter } from './convert-dump.js';
import { openDumpSource } from './dump-source.js';
import type { ImportReport } from './import-report.js';
import { postBatch, type PostOptions } from './send-batch.js';
import { dumpDigest, firstBatchSeq, sessionIdOf } from './session-id.js';
import { MAX_LINE_CHARS } from './text-limit.js';

/**
 * Progress of an import, reported when the percent or the phase changes.
 * `scanning`: a first pass over the file to find the call's time span
 * (`shiftToNow` only); `reading`: the file is read (and a line format
 * converted and sent as it goes), percent of its bytes; `converting`: a
 * webrtc-internals export, read into memory, is converted and sent, percent
 * of its entries.
 */
export interface ImportProgress {
  phase: 'scanning' | 'reading' | 'converting';
  bytesRead: number;
  totalBytes: number;
  /** 0..100 within the phase. */
  percent: number;
  lines: number;
  samples: number;
  batchesSent: number;
}

/** Options of {@link importDumpFile}. */
export interface ImportOptions extends Omit<PostOptions, 'url'> {
  /** Collector ingest URL, for example `http://127.0.0.1:4318/v1/reports` (see `resolveIngestUrl`). */
  url: string;
  /** The tenant's public ingest key: the batches' `tenant`, and the key the collector authenticates. */
  tenant: string;
  /**
   * Default: {@link defaultSessionId} (a digest of the file and of the time
   * shift). Different dumps imported under one named session land side by
   * side in it: each numbers its batches from its own start ({@link firstBatchSeq}).
   */
  sessionId?: string;
  /** Default: the session id. */
  callId?: string;
  /** Default: `imported`. */
  participantId?: string;
  /** Deployment region to attach (the dump does not know it). */
  region?: string;
  /** `p2p`, `sfu` or `mcu`. */
  topology?: string;
  /** Samples per batch (default 300). */
  batchSamples?: number;
  /** Shift every timestamp so that the call ends now (its latest peer connection time; see `DumpReplay`). */
  shiftToNow?: boolean;
  /** Shift every timestamp by exactly this many ms (wins over `shiftToNow`; resumes a shifted import). */
  shiftMs?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Called for every batch before it is sent (for dry runs and logging). */
  onBatch?: (batch: ReportBatch) => void;
  /** Build batches but do not send them. */
  dryRun?: boolean;
  /** The longest line (and webrtc-internals export, read as one string) in characters; default and at most {@link MAX_LINE_CHARS}. */
  maxLineChars?: number;
}

/** Outcome of an import (or, in an {@link ImportAbortedError}, what it had done when it stopped). */
export interface ImportResult {
  identity: ImportIdentity;
  /** True when the session id was derived from the file (not given). */
  derivedSessionId: boolean;
  meta: ClientMeta;
  report: ImportReport;
  /** Milliseconds added to every timestamp (0: none). */
  shiftMs: number;
  dryRun: boolean;
  /** Batches the collector accepted (built, in a dry run), with the samples and events they carried. */
  batchesSent: number;
  samplesSent: number;
  eventsSent: number;
  /** Of the accepted batches, those the collector already had (`durable: duplicate`): nothing new was written for them. */
  batchesDuplicate: number;
}

/** An import that stopped part-way (a batch not delivered, a file that cannot be read); `partial` says what was stored. */
export class ImportAbortedError extends Error {
  constructor(
    readonly partial: ImportResult,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ImportAbortedError';
  }
}

/** The shift that makes the call end now: a first pass over the file. */
async function shiftToNow(path: string, now: () => number, onProgress: ImportOptions['onProgress'], maxLineChars: number): Promise<number> {
  const source = await openDumpSource(path, maxLineChars);
  const converter = new DumpConverter({ sample: () => undefined, event: () => undefined }, maxLineChars);
  let lastPercent = -1;
  for await (const line of source.lines) {
    converter.addLine(line);
    const percent = Math.min(99, Math.floor((100 * source.bytesRead()) / Math.max(1, source.totalBytes)));
    if (percent === lastPercent) continue;
    lastPercent = percent;
    onProgress?.({ phase: 'scanning', bytesRead: source.bytesRead(), totalBytes: source.totalBytes, percent, lines: converter.lines, samples: 0, batchesSent: 0 });
  }
  const { span } = await converter.finish();
  return span ? Math.round(now() - span.end) : 0;
}

/**
 * Imports one dump file (rtcstats, Chrome's rtcstats, or a webrtc-internals
 * export; plain or gzip) into a collector: replays it through the SDK's
 * extraction and POSTs the samples and events in batches as it reads,
 * waiting for each batch to be accepted (retrying 408/429/5xx). Returns
 * what it read, what it could not, and what the collector already had.
 * Throws {@link ImportAbortedError} when it stops part-way.
 */
export async function importDumpFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const now = options.now ?? Date.now;
  const maxLineChars = Math.min(options.maxLineChars ?? MAX_LINE_CHARS, MAX_LINE_CHARS);
  const shiftMs = options.shiftMs ?? (options.shiftToNow ? await shiftToNow(path, now, options.onProgress, maxLineChars) : 0);
  const digest = await dumpDigest(path, shiftMs);
  const derivedSessionId = sessionIdOf(digest);
  const sessionId = options.sessionId ?? derivedSessionId;
  const identity: ImportIdentity = {
    tenant: options.tenant,
    sessionId,
    callId: options.callId ?? sessionId,
    participantId: options.participantId ?? 'imported',
  };
  const extra = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.topology === undefined ? {} : { topology: options.topology }),
  };
  let meta: ClientMeta = { browser: 'other', os: 'other' };
  // Under a session the user named, each dump numbers its batches from its own start (see firstBatchSeq); under the
  // derived one, also when it is given again to resume or repeat (the command prints it so), from 0 as the first run did.
  const firstSeq = sessionId === derivedSessionId ? 0 : firstBatchSeq(digest);
  const batcher = new Batcher(identity, () => ({ ...meta, ...extra }), options.batchSamples ?? DEFAULT_BATCH_SAMPLES, now, firstSeq);
  const converter = new DumpConverter(
    {
      sample: (s) => batcher.addSample(shiftMs ? { ...s, ts: s.ts + shiftMs } : s),
      event: (e) => batcher.addEvent(shiftMs ? { ...e, ts: e.ts + shiftMs } : e),
      meta: (m) => {
        meta = m;
      },
    },
    maxLineChars,
  );
  const result: ImportResult = {
    identity,
    derivedSessionId: options.sessionId === undefined,
    meta: { ...meta, ...extra },
    report: converter.report,
    shiftMs,
    dryRun: options.dryRun === true,
    batchesSent: 0,
    samplesSent: 0,
    eventsSent: 0,
    batchesDuplicate: 0,
  };
  const source = await openDumpSource(path, maxLineChars);
  // Set once the whole dump was read and converted (only its last batches remained to send).
  let readAll = false;
  let phase: ImportProgress['phase'] = 'reading';
  let lastShown = '';
  const progress = (percent: number): void => {
    const shown = `${phase} ${percent}`;
    if (shown === lastShown) return;
    lastShown = shown;
    const { lines, samples } = converter;
    options.onProgress?.({ phase, bytesRead: source.bytesRead(), totalBytes: source.totalBytes, percent, lines, samples, batchesSent: result.batchesSent });
  };
  const send = async (): Promise<void> => {
    const batch = batcher.take();
    options.onBatch?.(batch);
    const durable = options.dryRun ? undefined : await postBatch(batch, { ...options, now });
    if (durable === 'duplicate') result.batchesDuplicate++;
    result.batchesSent++;
    result.samplesSent += batch.samples.length;
    result.eventsSent += batch.events.length;
  };
  const finalise = (): ImportResult => {
    const cutLine = source.endedMidLine() && converter.lastLineCut();
    result.report = converter.report;
    result.report.truncated = source.truncated() || cutLine;
    if (result.report.truncated) result.report.truncation = source.truncated() ? 'gzip' : 'line';
    if (result.report.truncation === 'line') result.report.cutLineIsEntry = converter.cutLineLooksLikeEntry();
    // A stop before the end says nothing of what followed: the report must not say "everything was read" or "the file is empty".
    result.report.stopped = !readAll;
    if (!readAll) result.report.empty = false;
    result.meta = { ...(converter.meta ?? meta), ...extra };
    return result;
  };
  try {
    for await (const line of source.lines) {
      converter.addLine(line);
      if (batcher.full) await send();
      progress(source.totalBytes > 0 ? Math.min(100, Math.floor((100 * source.bytesRead()) / source.totalBytes)) : 100);
    }
    await converter.finish(async (p) => {
      phase = p.phase;
      if (batcher.full) await send();
      progress(p.total ? Math.floor((100 * (p.done ?? 0)) / p.total) : 0);
    });
    readAll = true;
    while (batcher.pending) await send();
  } catch (error) {
    const partial = finalise();
    const cut = partial.report.truncated && partial.report.format === 'webrtc-internals';
    throw new ImportAbortedError(partial, cut ? new Error(`the file is truncated (the gzip stream ends early): a webrtc-internals export cannot be read in part`, { cause: error }) : error);
  }
  lastShown = '';
  progress(100);
  return finalise();
}
