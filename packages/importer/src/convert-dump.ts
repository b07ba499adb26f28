import type { ClientMeta, ReportEvent, Sample } from '@rtcpulse/schema';
import type { DumpFormat } from './dump-entry.js';
import { DumpReplay, type ReplaySpan } from './dump-replay.js';
import { count } from './count-words.js';
import { emptyImportReport, type ImportReport } from './import-report.js';
import { RtcstatsLineReader } from './rtcstats-lines.js';
import { MAX_LINE_CHARS, tooLongError } from './text-limit.js';
import { readWebrtcInternals } from './webrtc-internals.js';

/** Called for every sample and event the replay produces, in dump order, and with the client facts once read. */
export interface ConvertSink {
  sample(sample: Sample): void;
  event(event: ReportEvent): void;
  meta?(meta: ClientMeta): void;
}

/**
 * Progress of a conversion. `reading`: lines of the file (line formats are
 * converted as they are read; a webrtc-internals export is only collected).
 * `converting`: a webrtc-internals export, after it was read, `done` of
 * `total` entries replayed (`total` is 0 while the JSON is being parsed).
 */
export interface ConvertProgress {
  phase: 'reading' | 'converting';
  lines: number;
  samples: number;
  done?: number;
  total?: number;
}

/** What a conversion read: the report, the client facts and the call's time span. */
export interface ConvertResult {
  report: ImportReport;
  meta: ClientMeta | undefined;
  span: ReplaySpan | undefined;
}

type AfterStep = (progress: ConvertProgress) => Promise<void> | void;

const BOM = /^\uFEFF/;

/** An rtcstats `{"fileFormat":3}` header is a few bytes: a longer object line is an export, not parsed twice to tell. */
const MAX_HEADER_CHARS = 1024;

function looksLikeInternals(firstLine: string): boolean {
  const text = firstLine.trim();
  if (!text.startsWith('{')) return false;
  if (text.length > MAX_HEADER_CHARS) return true;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return !('fileFormat' in parsed);
  } catch {
    return true;
  }
}

function parseInternals(text: string, lines: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // An export ends with its object's `}`: one that does not was cut off, said as for a cut-off .gz export (import-dump.ts).
    if (!text.trimEnd().endsWith('}')) {
      throw new Error(`the file is truncated (it ends before the export's JSON does): a webrtc-internals export cannot be read in part (${count(lines, 'line', 'lines')}; ${String(error)})`);
    }
    throw new Error(`the file starts like a webrtc-internals export but is not valid JSON (${count(lines, 'line', 'lines')}): ${String(error)}`);
  }
}

/**
 * Converts a dump fed one line at a time (any supported format; a
 * webrtc-internals export is recognised by its first line being the start
 * of a JSON object that is not an rtcstats `fileFormat` header, and is held
 * in memory until `finish`). `report` can be read at any moment, so an
 * import that stops half-way can say what it had read.
 */
export class DumpConverter {
  private readonly reader = new RtcstatsLineReader();
  private replay: DumpReplay | undefined;
  private internalsText: string[] | undefined;
  /** Characters of the export once joined (plus one). */
  private internalsChars = 0;
  private current: ImportReport = emptyImportReport('rtcstats');
  private lineCount = 0;
  private contentLines = 0;

  /** `maxTextChars`: the longest webrtc-internals export read (it is parsed as one string). */
  constructor(
    private readonly sink: ConvertSink,
    private readonly maxTextChars = MAX_LINE_CHARS,
  ) {}

  /** Lines fed so far. */
  get lines(): number {
    return this.lineCount;
  }

  /** Samples produced so far. */
  get samples(): number {
    return this.current.samples;
  }

  /** Client facts from the dump's user agent, once read. */
  get meta(): ClientMeta | undefined {
    return this.replay?.meta;
  }

  /** The call's earliest and latest time so far (see {@link DumpReplay}). */
  get span(): ReplaySpan | undefined {
    return this.replay?.span;
  }

  /** The report as it stands (complete once `finish` has returned). */
  get report(): ImportReport {
    const report = this.current;
    if (!this.internalsText) {
      const { problems } = this.reader;
      report.format = this.reader.format;
      report.units = this.lineCount;
      report.unparseableLines = problems.unparseable;
      report.malformedLines = problems.malformed;
      report.untimedEntries = problems.untimed;
      report.headerLines = problems.headers;
      report.exampleLines = [...problems.examples];
    }
    report.empty = this.contentLines === 0;
    return report;
  }

  /**
   * Called when the file ended without a line end: if its last line was
   * unparseable, it is the cut-off end of a truncated rtcstats dump rather
   * than a bad line, and is no longer counted as one. True in that case.
   */
  lastLineCut(): boolean {
    return !this.internalsText && this.reader.forgetUnparseableLast();
  }

  /** Whether the line {@link lastLineCut} took back began as an rtcstats entry does. */
  cutLineLooksLikeEntry(): boolean {
    return this.reader.unparseableLooksLikeEntry;
  }

  /** Feeds the file's next line (a UTF-8 byte order mark before the first is skipped). */
  addLine(line: string): void {
    this.lineCount++;
    const text = this.lineCount === 1 ? line.replace(BOM, '') : line;
    if (text.trim() !== '') this.contentLines++;
    if (this.lineCount === 1 && looksLikeInternals(text)) {
      this.internalsText = [];
      this.current = emptyImportReport('webrtc-internals');
    }
    if (this.internalsText) {
      // Refused here, with the limit named, rather than by the join with V8's bare "Invalid string length".
      this.internalsChars += text.length + 1;
      if (this.internalsChars - 1 > this.maxTextChars) throw tooLongError('the webrtc-internals export', this.maxTextChars);
      this.internalsText.push(text);
      return;
    }
    const entry = this.reader.read(text);
    if (!entry) return;
    this.replay ??= new DumpReplay(this.sink, this.current);
    this.replay.add(entry);
  }

  /** Ends the conversion: converts a collected webrtc-internals export (calling `afterEntry` after every entry) and ends the session. */
  async finish(afterEntry: AfterStep = () => undefined): Promise<ConvertResult> {
    if (this.internalsText) await this.convertInternals(afterEntry);
    else this.replay?.finish();
    return { report: this.report, meta: this.meta, span: this.span };
  }

  private async convertInternals(afterEntry: AfterStep): Promise<void> {
    const lines = this.lineCount;
    await afterEntry({ phase: 'converting', lines, samples: 0, done: 0, total: 0 });
    const json = parseInternals((this.internalsText ?? []).join('\n'), lines);
    this.internalsText = [];
    const dump = readWebrtcInternals(json);
    const report = emptyImportReport('webrtc-internals');
    report.units = dump.series;
    report.unusableEntries = dump.unusable;
    report.untimedEntries = dump.untimed;
    report.exampleEntries = dump.examples;
    this.current = report;
    this.replay = new DumpReplay(this.sink, report);
    const total = dump.entries.length;
    for (let i = 0; i < total; i++) {
      const entry = dump.entries[i];
      if (entry) this.replay.add(entry);
      await afterEntry({ phase: 'converting', lines, samples: report.samples, done: i + 1, total });
    }
    this.replay.finish();
  }
}

/**
 * Converts a dump given as a sequence of lines. `afterStep` runs after every
 * line (and, for a webrtc-internals export, after every entry converted) and
 * may wait (the importer sends full batches there).
 */
export async function convertLines(
  lines: AsyncIterable<string> | Iterable<string>,
  sink: ConvertSink,
  afterStep: AfterStep = () => undefined,
): Promise<ConvertResult> {
  const converter = new DumpConverter(sink);
  for await (const line of lines) {
    converter.addLine(line);
    await afterStep({ phase: 'reading', lines: converter.lines, samples: converter.samples });
  }
  return converter.finish(afterStep);
}

/** Converts in memory: every sample and event of a dump's text (tests, small files). */
export async function convertDumpText(text: string): Promise<ConvertResult & { format: DumpFormat; samples: Sample[]; events: ReportEvent[] }> {
  const samples: Sample[] = [];
  const events: ReportEvent[] = [];
  const result = await convertLines(text.split('\n'), { sample: (s) => samples.push(s), event: (e) => events.push(e) });
  return { ...result, format: result.report.format, samples, events };
}
