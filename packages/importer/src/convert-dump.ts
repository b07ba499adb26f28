import type { ClientMeta, ReportEvent, Sample } from '@rtcpulse/schema';
import type { DumpFormat } from './dump-entry.js';
import { DumpReplay } from './dump-replay.js';
import { emptyImportReport, type ImportReport } from './import-report.js';
import { RtcstatsLineReader } from './rtcstats-lines.js';
import { readWebrtcInternals } from './webrtc-internals.js';

/** Called for every sample and event the replay produces, in dump order, and with the client facts once read. */
export interface ConvertSink {
  sample(sample: Sample): void;
  event(event: ReportEvent): void;
  meta?(meta: ClientMeta): void;
}

/** Progress of a conversion. */
export interface ConvertProgress {
  lines: number;
  samples: number;
}

/**
 * Converts a dump given as a sequence of lines (any of the supported
 * formats; a webrtc-internals export is recognised by its first line being
 * the start of a JSON object that is not an rtcstats `fileFormat` header).
 * `afterLine` runs after every line and may wait (the importer sends full
 * batches there). Returns the import report and the client facts found.
 */
export async function convertLines(
  lines: AsyncIterable<string> | Iterable<string>,
  sink: ConvertSink,
  afterLine: (progress: ConvertProgress) => Promise<void> | void = () => undefined,
): Promise<{ report: ImportReport; meta: ClientMeta | undefined }> {
  const reader = new RtcstatsLineReader();
  let report: ImportReport | undefined;
  let replay: DumpReplay | undefined;
  let internalsText: string[] | undefined;
  let lineCount = 0;
  for await (const line of lines) {
    lineCount++;
    if (lineCount === 1 && looksLikeInternals(line)) internalsText = [];
    if (internalsText) {
      internalsText.push(line);
      continue;
    }
    const entry = reader.read(line);
    if (entry) {
      report ??= emptyImportReport(reader.format);
      replay ??= new DumpReplay(sink, report);
      replay.add(entry);
    }
    await afterLine({ lines: lineCount, samples: report?.samples ?? 0 });
  }
  if (internalsText) return convertInternals(internalsText.join('\n'), sink, lineCount);
  report ??= emptyImportReport(reader.format);
  report.format = reader.format;
  report.units = lineCount;
  report.unparseableLines = reader.problems.unparseable;
  report.malformedLines = reader.problems.malformed;
  report.headerLines = reader.problems.headers;
  report.exampleLines = reader.problems.examples;
  replay?.finish();
  return { report, meta: replay?.meta };
}

function looksLikeInternals(firstLine: string): boolean {
  const text = firstLine.trim();
  if (!text.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return !('fileFormat' in parsed);
  } catch {
    return true;
  }
}

function convertInternals(text: string, sink: ConvertSink, lines: number): { report: ImportReport; meta: ClientMeta | undefined } {
  const report = emptyImportReport('webrtc-internals');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`the file starts like a webrtc-internals export but is not valid JSON (${lines} lines): ${String(error)}`);
  }
  const dump = readWebrtcInternals(json);
  report.units = dump.series;
  report.unusableEntries = dump.unusable;
  const replay = new DumpReplay(sink, report);
  for (const entry of dump.entries) replay.add(entry);
  replay.finish();
  return { report, meta: replay.meta };
}

/** Converts in memory: every sample and event of a dump's text (tests, small files). */
export async function convertDumpText(text: string): Promise<{
  format: DumpFormat;
  report: ImportReport;
  meta: ClientMeta | undefined;
  samples: Sample[];
  events: ReportEvent[];
}> {
  const samples: Sample[] = [];
  const events: ReportEvent[] = [];
  const { report, meta } = await convertLines(text.split('\n'), { sample: (s) => samples.push(s), event: (e) => events.push(e) });
  return { format: report.format, report, meta, samples, events };
}

