export { applyStatsDelta, isRecord, type RawReport, type RawState } from './stats-delta.js';
export type { DumpEntry, DumpFormat } from './dump-entry.js';
export { parseTime } from './timestamps.js';
export { RtcstatsLineReader, type LineProblems } from './rtcstats-lines.js';
export { readWebrtcInternals, type InternalsDump } from './webrtc-internals.js';
export { SnapshotRebuilder, type DumpSnapshot } from './snapshots.js';
export { DumpReplay, type ReplaySink, type ReplaySpan } from './dump-replay.js';
export { eventForEntry, type EventBody } from './dump-events.js';
export { classifySnapshot, isLegacyStatsType, STANDARD_STATS_TYPES, type SnapshotKinds } from './stats-types.js';
export { metaFromUserAgent, metaFromUserAgentData } from './client-meta.js';
export {
  describeImportReport,
  emptyImportReport,
  readEverything,
  type ImportReport,
  type PeerConnectionReport,
} from './import-report.js';
export { convertDumpText, convertLines, DumpConverter, type ConvertProgress, type ConvertResult, type ConvertSink } from './convert-dump.js';
export { Batcher, DEFAULT_BATCH_SAMPLES, IMPORTER_VERSION, type ImportIdentity } from './batcher.js';
export { describeFetchFailure, ImportSendError, INGEST_PATH, postBatch, resolveIngestUrl, type Durability, type PostOptions } from './send-batch.js';
export { openDumpContent, openDumpSource, type DumpContent, type DumpSource } from './dump-source.js';
export { MAX_LINE_CHARS } from './text-limit.js';
export { defaultSessionId, dumpDigest, firstBatchSeq } from './session-id.js';
export { ImportAbortedError, importDumpFile, type ImportOptions, type ImportProgress, type ImportResult } from './import-dump.js';
export { abortedOutcome, EXIT_CODES, importOutcome, type ImportOutcome } from './import-outcome.js';
