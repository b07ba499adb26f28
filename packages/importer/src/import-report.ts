import { count } from './count-words.js';
import type { DumpFormat } from './dump-entry.js';

/** Per peer connection: what the import produced from it. */
export interface PeerConnectionReport {
  samples: number;
  events: number;
  /** Stats samples in Chrome's legacy goog* format: not readable, no sample made. */
  legacySamples: number;
}

/** What an import read, produced, and could not read. */
export interface ImportReport {
  format: DumpFormat;
  /** Lines read (line-based formats) or stats series read (webrtc-internals). */
  units: number;
  /** Dump entries understood (calls, events, stats samples). */
  entries: number;
  samples: number;
  events: number;
  peerConnections: Record<string, PeerConnectionReport>;
  /** Lines that are not JSON. */
  unparseableLines: number;
  /** JSON lines that are not dump entries. */
  malformedLines: number;
  /** Entries without a usable time: no event was made from them. */
  untimedEntries: number;
  /** The file held nothing but whitespace. */
  empty: boolean;
  /** The file ends early: what followed could not be read. */
  truncated: boolean;
  /** How it ends early: its gzip stream is cut off, or its last line is (an unreadable line with no line end). */
  truncation?: 'gzip' | 'line';
  /** For a cut-off last line: whether it began as an rtcstats entry or Chrome's header does (`["`, `{"`); a file of one line that did not is no dump. */
  cutLineIsEntry?: boolean;
  /** The import stopped before the end of the dump (a batch not delivered, a line that cannot be read): what followed was not read. */
  stopped: boolean;
  /** Header lines understood and skipped. */
  headerLines: number;
  /** Line numbers of the first few unparseable, malformed or untimed lines. */
  exampleLines: number[];
  /** Where the first few unusable or untimed entries of a webrtc-internals export are (peer connection and series or log entry). */
  exampleEntries: string[];
  /** Methods the importer does not know, with their counts. */
  unknownMethods: Record<string, number>;
  /** Stats samples in Chrome's legacy goog* format, which carry no standard stats. */
  legacyStatsSamples: number;
  /** Stats types that are neither standard nor legacy, with how many entries had them. */
  unknownStatsTypes: Record<string, number>;
  /** Stats samples whose every entry has such a type: no sample made from them. */
  unknownOnlyStatsSamples: number;
  /** Entries whose value could not be used (a stats sample that is not an object, a series that is not an array, …). */
  unusableEntries: number;
}

/** An empty report for a format. */
export function emptyImportReport(format: DumpFormat): ImportReport {
  return {
    format,
    units: 0,
    entries: 0,
    samples: 0,
    events: 0,
    peerConnections: {},
    unparseableLines: 0,
    malformedLines: 0,
    untimedEntries: 0,
    empty: false,
    truncated: false,
    stopped: false,
    headerLines: 0,
    exampleLines: [],
    exampleEntries: [],
    unknownMethods: {},
    legacyStatsSamples: 0,
    unknownStatsTypes: {},
    unknownOnlyStatsSamples: 0,
    unusableEntries: 0,
  };
}

/** True when everything in the dump was read (false for an empty or truncated file, or an import that stopped). */
export function readEverything(report: ImportReport): boolean {
  return (
    !report.empty &&
    !report.truncated &&
    !report.stopped &&
    report.untimedEntries === 0 &&
    report.unparseableLines === 0 &&
    report.malformedLines === 0 &&
    report.legacyStatsSamples === 0 &&
    report.unknownOnlyStatsSamples === 0 &&
    report.unusableEntries === 0 &&
    Object.keys(report.unknownMethods).length === 0
  );
}

/** How many peer connections the report lists one by one. */
const MAX_PC_LINES = 10;

/** The report as lines of text for people (the command prints it on stderr). */
export function describeImportReport(report: ImportReport): string[] {
  if (report.empty && !report.stopped && !report.truncated) return ['the file is empty'];
  const lines = [
    `format ${report.format}: ${count(report.entries, 'entry', 'entries')}, ${count(report.samples, 'sample', 'samples')} and ${count(report.events, 'event', 'events')} from ${count(Object.keys(report.peerConnections).length, 'peer connection', 'peer connections')}`,
  ];
  const pcs = Object.entries(report.peerConnections);
  // A few lines, not one per connection of a 940-connection export; the legacy ones always (they are what went wrong).
  const shown = pcs.filter(([, r], i) => i < MAX_PC_LINES || r.legacySamples);
  for (const [pc, r] of shown) {
    lines.push(`  ${pc}: ${count(r.samples, 'sample', 'samples')}, ${count(r.events, 'event', 'events')}${r.legacySamples ? `, ${r.legacySamples} legacy goog* stats samples NOT READABLE` : ''}`);
  }
  if (shown.length < pcs.length) lines.push(`  … and ${count(pcs.length - shown.length, 'more peer connection', 'more peer connections')}`);
  const unread: string[] = [];
  if (report.unparseableLines) unread.push(count(report.unparseableLines, 'unparseable line', 'unparseable lines'));
  if (report.malformedLines) unread.push(count(report.malformedLines, 'line that is not a dump entry', 'lines that are not dump entries'));
  if (report.untimedEntries) unread.push(`${count(report.untimedEntries, 'entry', 'entries')} without a usable time (no event made from them)`);
  if (report.exampleLines.length) unread.push(`first at ${report.exampleLines.length === 1 ? 'line' : 'lines'} ${report.exampleLines.join(', ')}`);
  if (report.legacyStatsSamples) {
    unread.push(`${count(report.legacyStatsSamples, 'stats sample', 'stats samples')} in Chrome's legacy goog* format (not readable: record with promise-based getStats())`);
  }
  if (report.unknownOnlyStatsSamples) {
    unread.push(`${count(report.unknownOnlyStatsSamples, 'stats sample', 'stats samples')} with only stats types the extraction does not know (no sample made)`);
  }
  if (report.unusableEntries) unread.push(`${count(report.unusableEntries, 'entry', 'entries')} with an unusable value`);
  if (report.exampleEntries.length) unread.push(`first at ${report.exampleEntries.join(', ')}`);
  const methods = Object.entries(report.unknownMethods);
  if (methods.length) unread.push(`unknown methods: ${methods.map(([m, n]) => `${m} ×${n}`).join(', ')}`);
  if (report.truncated) unread.unshift(`the rest of the file: it is truncated (${truncationText(report)})`);
  if (report.stopped) unread.unshift('what follows the stop (the import stopped before the end of the dump)');
  lines.push(unread.length ? `could not read: ${unread.join('; ')}` : 'everything in the dump was read');
  // Read, but of no use to the extraction (a stats type newer than it): not an error, and not a reason for exit code 3.
  const types = Object.entries(report.unknownStatsTypes);
  if (types.length) lines.push(`not used: stats types the extraction does not know: ${types.map(([t, n]) => `${t} ×${n}`).join(', ')}`);
  return lines;
}

/** How a truncated file ends, in words. */
export function truncationText(report: ImportReport): string {
  return report.truncation === 'line' ? 'its last line is cut off' : 'the gzip stream ends early';
}
