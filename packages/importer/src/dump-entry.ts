/** The dump formats the importer reads. */
export type DumpFormat = 'rtcstats' | 'chrome-rtcstats' | 'webrtc-internals';

/**
 * One recorded call or event of a dump, whatever its format: `method` as
 * the rtcstats format names it (`getstats` for a stats sample, whose
 * `value` is delta-compressed against the previous one of the same peer
 * connection), `pc` the peer connection id (absent for page-level entries),
 * `ts` the client clock in milliseconds since the Unix epoch (`NaN` when the
 * line carried no usable time).
 */
export interface DumpEntry {
  method: string;
  pc: string | undefined;
  value: unknown;
  ts: number;
}

/** How a JSON text can start (after whitespace): an object, array, string, number, `true`, `false` or `null`. */
const JSON_START = /^\s*[{["\-0-9tfn]/;

/**
 * Chrome writes entry values JSON-encoded in both of its exports (a state
 * change's value is the string `"\"failed\""`, a stats series' `values` the
 * string `"[1,2]"`): a string that is valid JSON is decoded, anything else
 * (a plain error message, a non-string) is kept as it is.
 */
export function parseJsonText(text: unknown): unknown {
  // Most texts that are not JSON (candidates, error messages, '') are told by their first character, without a throw per entry.
  if (typeof text !== 'string' || !JSON_START.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
