import { parseJsonText, type DumpEntry, type DumpFormat } from './dump-entry.js';
import { parseTime } from './timestamps.js';

/** What the line reader could not use, by kind. */
export interface LineProblems {
  /** Lines that are not JSON. */
  unparseable: number;
  /** JSON lines that are not `[method, pc, value, …]` arrays. */
  malformed: number;
  /** Entries without a usable time (missing, not a number, numeric string or date); their entry's `ts` is `NaN`. */
  untimed: number;
  /** Header lines understood and skipped (`RTCStatsDump`, `{"fileFormat":…}`). */
  headers: number;
  /** Line numbers (1-based) of the first few unparseable, malformed or untimed lines. */
  examples: number[];
}

const MAX_EXAMPLES = 5;

/**
 * Reads an rtcstats dump one line at a time. Two dialects are understood:
 * the rtcstats library's (`[method, pc, value, epochMs]`, `getstats`
 * delta-compressed) and the one Chrome's own webrtc-internals page writes
 * ("Download the rtcstats dump": a `RTCStatsDump` line, a `{"fileFormat":3}`
 * line, `getStats` entries, the timestamp as the last element and, after the
 * first line, relative to the previous line).
 */
export class RtcstatsLineReader {
  private lineNumber = 0;
  private dialect: DumpFormat = 'rtcstats';
  private relativeTime = false;
  /** Chrome's dialect: the running absolute time. */
  private clock: number | undefined;
  readonly problems: LineProblems = { unparseable: 0, malformed: 0, untimed: 0, headers: 0, examples: [] };
  /** Number of the last line found unparseable (0: none). */
  private lastUnparseable = 0;

  /** The dialect seen so far. */
  get format(): DumpFormat {
    return this.dialect;
  }

  /**
   * Parses one line; returns the entry it holds, or undefined for blank,
   * header and unreadable lines. A UTF-8 byte order mark before the first
   * line is skipped. Times may be numbers, numeric strings or ISO dates; an
   * entry without a usable time is counted and returned with `ts: NaN`.
   */
  read(line: string): DumpEntry | undefined {
    this.lineNumber++;
    const text = (this.lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line).trim();
    if (text === '') return undefined;
    if (text === 'RTCStatsDump') {
      this.dialect = 'chrome-rtcstats';
      this.relativeTime = true;
      this.problems.headers++;
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.problem('unparseable');
      // An entry begins `["method"` and Chrome's header `{"fileFormat"`; `[object Object]` or `[ERROR] …` does not.
      this.unparseableLooksLikeEntry = /^\s*[[{]\s*("|$)/.test(text);
      return undefined;
    }
    if (!Array.isArray(parsed)) {
      if (typeof parsed === 'object' && parsed !== null && 'fileFormat' in parsed) {
        this.problems.headers++;
        const version = (parsed as { fileFormat: unknown }).fileFormat;
        if (typeof version === 'number' && version >= 3) this.relativeTime = true;
        return undefined;
      }
      this.problem('malformed');
      return undefined;
    }
    const [method, pc, value] = parsed as unknown[];
    if (typeof method !== 'string') {
      this.problem('malformed');
      return undefined;
    }
    return {
      method: method === 'getStats' ? 'getstats' : method,
      pc: typeof pc === 'string' && !method.startsWith('navigator.') ? pc : undefined,
      // Chrome JSON-encodes values (`"\"failed\""`) as in its webrtc-internals export; the rtcstats library does not.
      value: this.dialect === 'chrome-rtcstats' ? parseJsonText(value) : value,
      ts: this.timestamp(parsed as unknown[]),
    };
  }

  private timestamp(fields: readonly unknown[]): number {
    const raw = parseTime(this.relativeTime ? fields[fields.length - 1] : fields[3]);
    if (!this.relativeTime) {
      if (raw !== undefined && raw > 0) return raw;
      this.problem('untimed');
      return Number.NaN;
    }
    // Chrome's dialect: the first timestamp is absolute, later ones are deltas.
    if (raw === undefined || (this.clock === undefined && raw <= 0)) {
      this.problem('untimed');
      return Number.NaN;
    }
    this.clock = this.clock === undefined ? raw : this.clock + raw;
    return this.clock;
  }

  /** Whether the last unparseable line began as an entry or Chrome's header does (`["`, `{"`, or only the bracket): a cut-off entry rather than text that is no dump. */
  unparseableLooksLikeEntry = false;

  /**
   * Takes back the last line's "unparseable" when that line turns out to be
   * the cut-off end of a truncated file; true when it was unparseable.
   */
  forgetUnparseableLast(): boolean {
    if (this.lastUnparseable !== this.lineNumber) return false;
    this.problems.unparseable--;
    const at = this.problems.examples.lastIndexOf(this.lineNumber);
    if (at >= 0) this.problems.examples.splice(at, 1);
    this.lastUnparseable = 0;
    return true;
  }

  private problem(kind: 'unparseable' | 'malformed' | 'untimed'): void {
    if (kind === 'unparseable') this.lastUnparseable = this.lineNumber;
    this.problems[kind]++;
    if (this.problems.examples.length < MAX_EXAMPLES) this.problems.examples.push(this.lineNumber);
  }
}
