import { constants } from 'node:buffer';

/**
 * The longest line the importer reads, in characters: the longest string
 * V8 can hold (about 512 MiB). Chrome writes a webrtc-internals export as
 * one line, so this also bounds the export.
 */
export const MAX_LINE_CHARS = constants.MAX_STRING_LENGTH;

/** The error for text longer than a string can be (or than a lower `maxLineChars`): names the limit and what to ask the customer for instead. */
export function tooLongError(what: string, limit: number): Error {
  const mib = limit >= 2 ** 20 ? ` (${Math.round(limit / 2 ** 20)} MiB)` : '';
  const which = limit >= MAX_LINE_CHARS ? 'the longest string Node.js can hold' : 'the maxLineChars set';
  return new Error(
    `${what} is longer than ${limit} characters${mib}, ${which}: it cannot be read. ` +
      'Chrome writes a webrtc-internals export as one line: for a call this large, ask for Chrome\'s rtcstats dump ("Download the rtcstats dump"), which is read one line at a time',
  );
}
