// Text the app hands the SDK (ids, region, reasons, error messages, feedback), made fit for the wire.
import { replaceIps } from '@rtcpulse/schema/ip-text';

/**
 * App-given text as the wire takes it: the first `max` UTF-16 units, or `-`
 * for none, without half characters. A lone surrogate (half an emoji cut at
 * `max`, or one the text already had) is dropped: the collector refuses text
 * that is not well-formed Unicode, and with it the whole report. (In a
 * regular expression with the `u` flag a surrogate range matches only a
 * surrogate without its other half: an emoji is one code point there.)
 */
export const fit = (text: unknown, max = 128): string => {
  try {
    return String(text).slice(0, max).replace(/[\ud800-\udfff]/gu, '') || '-';
  } catch {
    // Not text and cannot be made text (an object without a prototype, or whose toString throws): plain JavaScript.
    return '-';
  }
};

/**
 * The first `max` characters of `text` (see {@link fit}) with every IP address replaced by
 * `[ip]`. Only the first `4 * max` characters are scrubbed (an address of 15
 * characters becomes 4), so a long text costs no more than a short one.
 */
export const withoutIps = (text: unknown, max: number): string => fit(replaceIps(fit(text, 4 * max)), max);
