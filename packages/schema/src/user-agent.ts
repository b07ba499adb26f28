/** Browser and OS family parsed from a user-agent string, to bounded values. */
export interface UserAgentInfo {
  browser: string;
  browserVersion?: string;
  os: string;
}

const BROWSERS: ReadonlyArray<[name: string, pattern: RegExp]> = [
  ['edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['opera', /OPR\/(\d+)/],
  ['samsung', /SamsungBrowser\/(\d+)/],
  ['firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['chrome', /(?:Chrome|Chromium|CriOS)\/(\d+)/],
  ['safari', /Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//],
];

const SYSTEMS: ReadonlyArray<[name: string, pattern: RegExp]> = [
  ['android', /Android/],
  ['ios', /iPhone|iPad|iPod/],
  ['windows', /Windows/],
  ['macos', /Mac OS X|Macintosh/],
  ['chromeos', /CrOS/],
  ['linux', /Linux/],
];

/** Every browser family {@link parseUserAgent} gives (`other` for the rest). */
export const BROWSER_FAMILIES: readonly string[] = [...BROWSERS.map(([name]) => name), 'other'];
/** Every OS family {@link parseUserAgent} gives (`other` for the rest). */
export const OS_FAMILIES: readonly string[] = [...SYSTEMS.map(([name]) => name), 'other'];

/**
 * Reduce a user-agent string to a browser family, its major version and an
 * OS family: what the collector stores of a browser's `User-Agent` header,
 * and what the importer makes of a dump's. No other part of it is kept.
 */
export function parseUserAgent(userAgent: string): UserAgentInfo {
  let browser = 'other';
  let browserVersion: string | undefined;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match) {
      browser = name;
      browserVersion = match[1];
      break;
    }
  }
  const os = SYSTEMS.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? 'other';
  return browserVersion === undefined ? { browser, os } : { browser, browserVersion, os };
}
