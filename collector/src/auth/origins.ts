/**
 * Origin allow-lists of public keys. An entry is one of:
 * - an exact origin, `https://app.example.com` (scheme, host and port, no path);
 * - a subdomain wildcard, `https://*.example.com` (any depth of subdomain, not
 *   the bare domain);
 * - `self`: the collector's own origin (the `Host` the request was sent to);
 * - `localhost`: `http(s)://localhost`, `127.0.0.1` or `[::1]` on any port;
 * - `*`: any origin (for keys meant for many sites; the key still rate-limits).
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

interface ParsedOrigin {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
}

/** Split a serialized origin; `undefined` unless it is exactly `scheme://host[:port]`. */
export function parseOrigin(origin: string): ParsedOrigin | undefined {
  const match = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(origin);
  if (!match) return undefined;
  const scheme = (match[1] ?? '').toLowerCase();
  const port = match[3] ?? (scheme === 'https' ? '443' : '80');
  return { scheme, host: (match[2] ?? '').toLowerCase(), port };
}

function sameOrigin(a: ParsedOrigin, b: ParsedOrigin): boolean {
  return a.scheme === b.scheme && a.host === b.host && a.port === b.port;
}

function matchesEntry(entry: string, origin: ParsedOrigin, selfOrigins: readonly ParsedOrigin[]): boolean {
  if (entry === '*') return true;
  if (entry === 'self') return selfOrigins.some((self) => sameOrigin(self, origin));
  if (entry === 'localhost') return LOOPBACK_HOSTS.has(origin.host);
  const wildcard = /^(https?):\/\/\*\.(.+)$/i.exec(entry);
  if (wildcard) {
    const pattern = parseOrigin(`${wildcard[1] ?? ''}://${wildcard[2] ?? ''}`);
    return (
      pattern !== undefined &&
      pattern.scheme === origin.scheme &&
      pattern.port === origin.port &&
      origin.host.endsWith(`.${pattern.host}`)
    );
  }
  const exact = parseOrigin(entry);
  return exact !== undefined && sameOrigin(exact, origin);
}

/**
 * Whether `origin` (the request's `Origin` header) is on `allowList`.
 * `hostHeader` is the request's `Host`, used for `self` with both schemes
 * (a TLS-terminating proxy may sit in front). `null` and malformed origins
 * are never allowed.
 */
export function isOriginAllowed(allowList: readonly string[], origin: string, hostHeader: string | undefined): boolean {
  const parsed = parseOrigin(origin);
  if (!parsed) return false;
  const selfOrigins = hostHeader
    ? [parseOrigin(`http://${hostHeader}`), parseOrigin(`https://${hostHeader}`)].filter(
        (o): o is ParsedOrigin => o !== undefined,
      )
    : [];
  return allowList.some((entry) => matchesEntry(entry, parsed, selfOrigins));
}
