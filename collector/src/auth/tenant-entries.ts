/**
 * Checks of a tenants file that its JSON schema cannot state: each origin
 * entry must be one of the forms `origins.ts` can match (an entry no
 * `Origin` header can equal would refuse every browser with 403), and each
 * server key names exactly one of `key` and `sha256` (with both, the
 * collector would look the key up by `sha256` and the `key` secret would
 * silently stop working).
 */
import { parseOrigin } from './origins.js';

/** The keywords an origin allow-list may hold besides origins. */
export const ORIGIN_KEYWORDS: readonly string[] = ['self', 'localhost', '*'];

const EXPECTED_FORMS = 'expected scheme://host[:port] (e.g. "https://meet.example.com"), a wildcard "https://*.example.com", or self, localhost or *';
const HOST_LABELS = /^(?:\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)$/i;

/** `scheme://host[:port]` whose host has no empty labels and whose port, if any, is a TCP port. */
function isOrigin(text: string): boolean {
  const parsed = parseOrigin(text);
  if (!parsed) return false;
  const port = Number(parsed.port);
  // Browsers write the port without leading zeros, and the matcher compares it as written.
  return HOST_LABELS.test(parsed.host) && port >= 1 && port <= 65_535 && String(port) === parsed.port;
}

/**
 * Why `entry` can never match a browser's `Origin` header, or `undefined`
 * when it is one of the supported forms: an exact origin, a subdomain
 * wildcard (`https://*.example.com`), or a keyword (`self`, `localhost`, `*`).
 */
export function originEntryProblem(entry: string): string | undefined {
  if (ORIGIN_KEYWORDS.includes(entry)) return undefined;
  const wildcard = /^(https?):\/\/\*\.(.+)$/i.exec(entry);
  if (wildcard ? isOrigin(`${wildcard[1] ?? ''}://${wildcard[2] ?? ''}`) : isOrigin(entry)) return undefined;
  const keyword = entry.replace(/^'(.*)'$/, '$1').toLowerCase();
  if (ORIGIN_KEYWORDS.includes(keyword)) return `is not an origin: write the keyword as ${JSON.stringify(keyword)} (lower case, no quotes)`;
  const withPath = /^(https?:\/\/[^/?#]+)[/?#]/i.exec(entry);
  if (withPath) return `is not an origin: scheme://host[:port] without a path or trailing slash ("${withPath[1] ?? ''}")`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return `is not an origin: it needs its scheme ("https://${entry}"); ${EXPECTED_FORMS}`;
  return `is not an origin: ${EXPECTED_FORMS}`;
}

/** The part of a tenants file these checks read. */
interface CheckedTenants {
  readonly tenants: readonly {
    readonly id: string;
    readonly publicKeys: readonly { readonly origins: readonly string[] }[];
    readonly serverKeys: readonly { readonly id: string; readonly key?: string; readonly sha256?: string }[];
  }[];
}

/**
 * Throw, naming the JSON path and the entry, at the first origin entry that
 * is not a supported form or the first server key without exactly one of
 * `key` and `sha256`.
 */
export function checkTenantEntries(config: CheckedTenants): void {
  config.tenants.forEach((tenant, t) => {
    tenant.publicKeys.forEach((publicKey, k) => {
      publicKey.origins.forEach((entry, o) => {
        const problem = originEntryProblem(entry);
        if (problem) throw new Error(`tenants config: /tenants/${t}/publicKeys/${k}/origins/${o} ${JSON.stringify(entry)} ${problem}`);
      });
    });
    tenant.serverKeys.forEach((serverKey, k) => {
      const has = [serverKey.key, serverKey.sha256].filter((v) => v !== undefined).length;
      if (has === 1) return;
      const what = `/tenants/${t}/serverKeys/${k} (server key "${serverKey.id}" of "${tenant.id}")`;
      throw new Error(
        has === 0
          ? `tenants config: ${what} needs "key" or "sha256"`
          : `tenants config: ${what} has both "key" and "sha256": give exactly one, the secret ("key") or its SHA-256 in hex ("sha256")`,
      );
    });
  });
}
