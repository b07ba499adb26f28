import type { ReportEvent } from '@rtcpulse/schema';
import { fit, withoutIps } from './app-text.js';

/**
 * An `error` event for a failed call of the app's: the error's name when it
 * looks like one (`NotAllowedError`, `OperationError`, …, else `Error`), and
 * a message with any IP address replaced by `[ip]`, then cut to 200 characters
 * (signalling errors may quote SDP lines). An OverconstrainedError names
 * the constraint instead of its message.
 */
export const errorEvent = (error: unknown, stage: string): Omit<ReportEvent, 'pc' | 'ts'> => {
  const e = (typeof error == 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; constraint?: unknown };
  const name = typeof e.name == 'string' && /^\w{1,40}$/.test(e.name) ? e.name : 'Error';
  // As text through withoutIps (fit): a message that cannot be made text goes as `-`, and reporting it never throws.
  const text = e.constraint ? 'constraint=' + fit(e.constraint) : (e.message ?? error);
  return { type: 'error', stage, name, message: withoutIps(text, 200) };
};
