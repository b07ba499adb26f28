import type { ReportEvent } from '@rtcpulse/schema';

// Four 1–3 digit groups, also glued to other text (`x10.9.8.7`, `198.51.100.7_5000`) or dashed (`ip-10-1-2-3`).
const IPV4 = /\d{1,3}([._-]\d{1,3}){3}/g;
// Two or more colons among groups of up to four hex digits: full and shortened IPv6 addresses (`::1`, `2001:db8::`), and
// fingerprints. Each repeat starts at a colon, so a long run of digits is passed over in linear time.
const IPV6 = /[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,}/gi;

/**
 * The first `max` characters of `text` with every IP address replaced by
 * `[ip]`. Only the first `4 * max` characters are scrubbed (an address of 15
 * characters becomes 4), so a long text costs no more than a short one.
 */
export const withoutIps = (text: string, max: number): string => text.slice(0, 4 * max).replace(IPV4, '[ip]').replace(IPV6, '[ip]').slice(0, max);

/**
 * An `error` event for a failed call of the app's: the error's name when it
 * looks like one (`NotAllowedError`, `OperationError`, …, else `Error`), and
 * a message with any IP address replaced by `[ip]`, then cut to 200 characters
 * (signalling errors may quote SDP lines). An OverconstrainedError names
 * the constraint instead of its message.
 */
export const errorEvent = (error: unknown, stage: string): Omit<ReportEvent, 'pc' | 'ts'> => {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; constraint?: unknown };
  const name = typeof e.name === 'string' && /^\w{1,40}$/.test(e.name) ? e.name : 'Error';
  const text = e.constraint ? 'constraint=' + String(e.constraint) : String(e.message ?? error);
  return { type: 'error', stage, name, message: withoutIps(text, 200) };
};
