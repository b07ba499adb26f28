/** Output names and source entry points of the SDK bundles. */
export const ENTRIES: Record<'rtcpulse' | 'rtcpulse-extras', string>;
/** The esbuild options every bundle is built with. */
export const BUNDLE_OPTIONS: import('esbuild').BuildOptions & { write: false };
/** Builds one entry in memory (ES module, bundled by esbuild, minified by terser) and returns its code. */
export function bundleEntry(name: keyof typeof ENTRIES): Promise<Uint8Array>;
/** Writes every bundle to dist/. */
export function buildSdk(): Promise<void>;
