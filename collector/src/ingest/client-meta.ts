import { parseUserAgent, type ClientMeta } from '@rtcpulse/schema';

/**
 * A batch's client facts with the browser family, its major version and
 * the OS family read from the request's `User-Agent` header where the
 * batch has none: the browser SDK leaves them to the collector, while the
 * importer sends what a dump recorded. Only the reduced families are kept,
 * never the header itself.
 */
export function withUserAgent(meta: ClientMeta, userAgent: string | undefined): ClientMeta {
  if (meta.browser !== undefined && meta.os !== undefined) return meta;
  return { ...parseUserAgent(userAgent ?? ''), ...meta };
}
