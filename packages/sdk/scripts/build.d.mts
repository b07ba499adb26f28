/** Output names and source entry points of the SDK bundles. */
export const ENTRIES: Record<'rtcpulse' | 'rtcpulse-extras', string>;
/** Builds one entry in memory (ES module, minified) and returns its code. */
export function bundleEntry(name: keyof typeof ENTRIES): Promise<Uint8Array>;
/** Writes every bundle to dist/. */
export function buildSdk(): Promise<void>;
