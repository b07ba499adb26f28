import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ClientMeta, ReportBatch } from '@rtcpulse/schema';
import { Batcher, DEFAULT_BATCH_SAMPLES, type ImportIdentity } from './batcher.js';
import { convertLines } from './convert-dump.js';
import { openDumpSource } from './dump-source.js';
import type { ImportReport } from './import-report.js';
import { postBatch, type PostOptions } from './send-batch.js';

/** Progress of an import, reported at most once per percent of the file. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  /** 0..100, by bytes of the file read. */
  percent: number;
  lines: number;
  samples: number;
  batchesSent: number;
}

/** Options of {@link importDumpFile}. */
export interface ImportOptions extends Omit<PostOptions, 'url'> {
  /** Collector ingest URL, for example `http://127.0.0.1:4318/v1/reports`. */
  url: string;
  /** The tenant's public ingest key: the batches' `tenant`, and the key the collector authenticates. */
  tenant: string;
  /** Default: `import-` and a digest of the file, so importing the same file again is stored once. */
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
  /** Shift every timestamp so that the dump ends now (dashboards with "last hour" ranges, stores with retention). */
  shiftToNow?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** Called for every batch before it is sent (for dry runs and logging). */
  onBatch?: (batch: ReportBatch) => void;
  /** Build batches but do not send them. */
  dryRun?: boolean;
}

/** Outcome of an import. */
export interface ImportResult {
  identity: ImportIdentity;
  meta: ClientMeta;
  report: ImportReport;
  batchesSent: number;
}

/** A session id derived from the file's name, size and first 64 KiB. */
export async function defaultSessionId(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65_536), 0, 65_536, 0);
    const digest = createHash('sha256').update(basename(path)).update(String(size)).update(buffer.subarray(0, bytesRead)).digest('hex');
    return `import-${digest.slice(0, 24)}`;
  } finally {
    await handle.close();
  }
}

/** Finds the dump's time span first, when timestamps are to be shifted (a second pass over the file). */
async function endOfDump(path: string): Promise<number | undefined> {
  const source = await openDumpSource(path);
  let last: number | undefined;
  await convertLines(source.lines, {
    sample: (s) => {
      last = Math.max(last ?? s.ts, s.ts);
    },
    event: (e) => {
      last = Math.max(last ?? e.ts, e.ts);
    },
  });
  return last;
}

/**
 * Imports one dump file (rtcstats, Chrome's rtcstats, or a webrtc-internals
 * export; plain or gzip) into a collector: replays it through the SDK's
 * extraction and POSTs the samples and events in batches as it reads,
 * waiting for each batch to be accepted (retrying 408/429/5xx). Returns
 * what it read and what it could not.
 */
export async function importDumpFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const sessionId = options.sessionId ?? (await defaultSessionId(path));
  const identity: ImportIdentity = {
    tenant: options.tenant,
    sessionId,
    callId: options.callId ?? sessionId,
    participantId: options.participantId ?? 'imported',
  };
  let shift = 0;
  if (options.shiftToNow) {
    const end = await endOfDump(path);
    if (end !== undefined) shift = Date.now() - end;
  }
  let meta: ClientMeta = { browser: 'other', os: 'other' };
  const extra = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.topology === undefined ? {} : { topology: options.topology }),
  };
  const batcher = new Batcher(identity, () => ({ ...meta, ...extra }), options.batchSamples ?? DEFAULT_BATCH_SAMPLES);
  const source = await openDumpSource(path);
  let batchesSent = 0;
  let lastPercent = -1;
  let lines = 0;
  let samples = 0;
  const progress = (): void => {
    const percent = source.totalBytes > 0 ? Math.min(100, Math.floor((100 * source.bytesRead()) / source.totalBytes)) : 100;
    if (percent === lastPercent) return;
    lastPercent = percent;
    options.onProgress?.({ bytesRead: source.bytesRead(), totalBytes: source.totalBytes, percent, lines, samples, batchesSent });
  };
  const send = async (): Promise<void> => {
    const batch = batcher.take();
    options.onBatch?.(batch);
    if (!options.dryRun) await postBatch(batch, options);
    batchesSent++;
  };
  const converted = await convertLines(
    source.lines,
    {
      sample: (s) => batcher.addSample(shift ? { ...s, ts: s.ts + shift } : s),
      event: (e) => batcher.addEvent(shift ? { ...e, ts: e.ts + shift } : e),
      meta: (m) => {
        meta = m;
      },
    },
    async (p) => {
      lines = p.lines;
      samples = p.samples;
      if (batcher.full) await send();
      progress();
    },
  );
  meta = converted.meta ?? meta;
  samples = converted.report.samples;
  while (batcher.pending) await send();
  lastPercent = -1;
  progress();
  return { identity, meta: { ...meta, ...extra }, report: converted.report, batchesSent };
}
