import { parseJsonText, type DumpEntry } from './dump-entry.js';
import { isRecord, type RawReport, type RawState } from './stats-delta.js';
import { parseTime } from './timestamps.js';

/** A chrome://webrtc-internals export converted to dump entries. */
export interface InternalsDump {
  entries: DumpEntry[];
  /** Stats series read. */
  series: number;
  /** Series or log entries that could not be used. */
  unusable: number;
  /** Update log entries without a usable time (no event made from them). */
  untimed: number;
  /** Where the first few of those are, for people (`8-1: stats series RTCOutboundRTPVideoStream_1-bytesSent`). */
  examples: string[];
}

/** How many places of unusable or untimed entries a report names. */
const MAX_EXAMPLES = 5;

interface Series {
  reportId: string;
  field: string;
  type: string;
  times: number[];
  values: unknown[];
}

/** Older exports name events without the `on` prefix (`iceconnectionstatechange`, `iceConnectionStateChange`). */
function normaliseMethod(type: string): string {
  const lower = type.toLowerCase();
  const isEvent = /statechange$|^icecandidate$|^track$|^negotiationneeded$|^datachannel$|^addstream$|^removestream$/.test(lower);
  return isEvent && !lower.startsWith('on') ? `on${lower}` : type;
}

/** `<reportId>-<field>`; fields never contain `-`, Chrome's computed `[a-b]` columns do and are skipped. */
function splitKey(key: string): { reportId: string; field: string } | undefined {
  if (key.includes('-[')) return undefined;
  const at = key.lastIndexOf('-');
  if (at <= 0 || at === key.length - 1) return undefined;
  const field = key.slice(at + 1);
  return field.startsWith('[') ? undefined : { reportId: key.slice(0, at), field };
}

function readSeries(key: string, raw: unknown): Series | undefined | null {
  const parts = splitKey(key);
  if (!parts) return null;
  if (!isRecord(raw)) return undefined;
  const values = parseJsonText(raw['values']);
  const start = parseTime(raw['startTime']);
  const end = parseTime(raw['endTime']) ?? start;
  if (!Array.isArray(values) || start === undefined || end === undefined || typeof raw['statsType'] !== 'string') return undefined;
  const n = values.length;
  const times = values.map((_, i) => (n > 1 ? start + (i * (end - start)) / (n - 1) : start));
  return { ...parts, type: raw['statsType'], times, values };
}

/** Index of the grid time nearest to `t` (grid sorted ascending). */
function nearest(grid: readonly number[], t: number): number {
  let lo = 0;
  let hi = grid.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((grid[mid] ?? 0) < t) lo = mid + 1;
    else hi = mid;
  }
  const before = lo > 0 ? lo - 1 : lo;
  return Math.abs((grid[before] ?? 0) - t) <= Math.abs((grid[lo] ?? 0) - t) ? before : lo;
}

/**
 * Series whose own times drift against the polls (remote reports carry the
 * time of the last RTCP) can leave a poll without a point although the
 * report lived on: such a gap, between the report's first and last poll,
 * takes the report as it was at the previous poll.
 */
function fillGaps(states: RawState[]): void {
  const last = new Map<string, number>();
  states.forEach((state, g) => {
    for (const id of Object.keys(state)) last.set(id, g);
  });
  const seen = new Map<string, RawReport>();
  states.forEach((state, g) => {
    for (const [id, previous] of seen) {
      if (!state[id] && (last.get(id) ?? -1) > g) state[id] = { ...previous };
    }
    for (const [id, report] of Object.entries(state)) seen.set(id, report);
  });
}

/**
 * Rebuilds complete getStats() snapshots from one peer connection's series:
 * the poll times are those of the longest series, and every other series'
 * points are placed at the nearest poll. A report exists in a snapshot when
 * at least one of its fields has a point there; its `timestamp` is its own
 * `timestamp` series' value, or the poll time.
 */
function snapshotsFromSeries(series: readonly Series[]): Array<{ ts: number; state: RawState }> {
  const longest = series.reduce<Series | undefined>((best, s) => (!best || s.values.length > best.values.length ? s : best), undefined);
  if (!longest) return [];
  const grid = longest.times;
  const states: RawState[] = grid.map(() => ({}));
  for (const s of series) {
    s.values.forEach((value, i) => {
      const state = states[nearest(grid, s.times[i] ?? 0)];
      if (!state || value === null) return;
      const report: RawReport = (state[s.reportId] ??= { id: s.reportId, type: s.type });
      report[s.field] = value;
    });
  }
  fillGaps(states);
  return grid.map((ts, g) => {
    const state = states[g] ?? {};
    for (const report of Object.values(state)) if (typeof report['timestamp'] !== 'number') report['timestamp'] = ts;
    return { ts, state };
  });
}

/**
 * Converts a chrome://webrtc-internals export (`{ PeerConnections: { id: {
 * updateLog, stats } }, UserAgent }`, each stats series keyed
 * `<reportId>-<field>` with `startTime`, `endTime`, `statsType` and
 * `values` as a JSON-encoded array) into dump entries in time order: a
 * `connectionInfo` with the user agent, each connection's `create`, its
 * update log and one complete `getstats` entry per poll.
 */
export function readWebrtcInternals(json: unknown): InternalsDump {
  const result: InternalsDump = { entries: [], series: 0, unusable: 0, untimed: 0, examples: [] };
  if (!isRecord(json) || !isRecord(json['PeerConnections'])) throw new Error('not a webrtc-internals export: no "PeerConnections" object');
  const unusable = (where: string, untimed = false): void => {
    if (untimed) result.untimed++;
    else result.unusable++;
    if (result.examples.length < MAX_EXAMPLES) result.examples.push(where);
  };
  const perPc: DumpEntry[] = [];
  for (const [pc, raw] of Object.entries(json['PeerConnections'])) {
    if (!isRecord(raw)) {
      unusable(`${pc}: not a peer connection object`);
      continue;
    }
    const log = Array.isArray(raw['updateLog']) ? raw['updateLog'] : [];
    const pcEntries: DumpEntry[] = [];
    for (const [i, item] of log.entries()) {
      if (!isRecord(item) || typeof item['type'] !== 'string') {
        unusable(`${pc}: update log entry ${i} (no type)`);
        continue;
      }
      const ts = parseTime(item['timestamp']) ?? parseTime(item['time']);
      if (ts === undefined) {
        unusable(`${pc}: update log entry ${i} (${item['type']}, no usable time)`, true);
        continue;
      }
      pcEntries.push({ method: normaliseMethod(item['type']), pc, value: parseJsonText(item['value']), ts });
    }
    const series: Series[] = [];
    for (const [key, value] of Object.entries(isRecord(raw['stats']) ? raw['stats'] : {})) {
      const s = readSeries(key, value);
      if (s === null) continue;
      result.series++;
      if (s) series.push(s);
      else unusable(`${pc}: stats series ${key}`);
    }
    for (const { ts, state } of snapshotsFromSeries(series)) pcEntries.push({ method: 'getstats', pc, value: state, ts });
    const first = pcEntries.reduce((min, e) => Math.min(min, e.ts), Number.POSITIVE_INFINITY);
    if (Number.isFinite(first)) pcEntries.push({ method: 'create', pc, value: { rtcConfiguration: raw['rtcConfiguration'] }, ts: first });
    // One at a time: spreading a large array into push() overflows the call stack (about 100 000 entries).
    for (const entry of pcEntries) perPc.push(entry);
  }
  perPc.sort((a, b) => a.ts - b.ts || (a.method === 'create' ? -1 : b.method === 'create' ? 1 : 0));
  const start = perPc[0]?.ts ?? 0;
  if (typeof json['UserAgent'] === 'string') perPc.unshift({ method: 'connectionInfo', pc: undefined, value: { userAgent: json['UserAgent'] }, ts: start });
  result.entries = perPc;
  return result;
}
