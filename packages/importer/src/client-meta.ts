import { parseUserAgent, type ClientMeta } from '@rtcpulse/schema';

/** Client facts from a user-agent string, reduced the same way the collector reduces a browser's `User-Agent` header. */
export function metaFromUserAgent(userAgent: string): ClientMeta {
  return parseUserAgent(userAgent);
}

const BRANDS: ReadonlyArray<[brand: RegExp, browser: string]> = [
  [/Edge/i, 'edge'],
  [/Opera/i, 'opera'],
  [/Chrom/i, 'chrome'],
];

const PLATFORMS: ReadonlyArray<[platform: RegExp, os: string]> = [
  [/Android/i, 'android'],
  [/Windows/i, 'windows'],
  [/mac/i, 'macos'],
  [/Chrome ?OS/i, 'chromeos'],
  [/Linux/i, 'linux'],
];

/**
 * Client facts from `navigator.userAgentData` as Chrome's own rtcstats dump
 * records it (`{ brands: [{ brand, version }], platform }`).
 */
export function metaFromUserAgentData(data: unknown): ClientMeta | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { brands, platform } = data as { brands?: unknown; platform?: unknown };
  let browser = 'other';
  let browserVersion: string | undefined;
  for (const [pattern, name] of BRANDS) {
    const hit = Array.isArray(brands)
      ? (brands as Array<{ brand?: unknown; version?: unknown }>).find((b) => typeof b.brand === 'string' && pattern.test(b.brand))
      : undefined;
    if (hit) {
      browser = name;
      browserVersion = typeof hit.version === 'string' ? hit.version : undefined;
      break;
    }
  }
  const os = typeof platform === 'string' ? (PLATFORMS.find(([p]) => p.test(platform))?.[1] ?? 'other') : 'other';
  return browserVersion === undefined ? { browser, os } : { browser, browserVersion, os };
}
