// Bundles the browser SDK into packages/sdk/dist, minified with source maps:
// - rtcpulse.js (ES module) and rtcpulse.iife.js (classic script, global
//   `RtcPulse`): the core, held to the 8 KB min+gzip budget;
// - rtcpulse-extras.js (ES module): app-invoked helpers (post-call feedback,
//   media capture wrappers) that work on a core session object.
// `buildSdk()` is also used by the size check in the tests.
import { build } from 'esbuild';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Property names used only inside the SDK, shortened in the bundle to keep
 * the core under its size budget. Only names that never appear on browser
 * objects, in the options, the public API or the wire format may be listed
 * (`now`, `random`, `set`, `values`, `add`, `restartIce`, `consent` may not).
 */
const INTERNAL_PROPERTIES =
  /^(take|unwatch|recover|batchMax|queueMax|refused|callFailed|lastOnline|noInboundMs|emit|tick|dispose|draw|addSample|addEvent|ready|maxAttempts|notBefore|attempts|batch|ratios|ratio|stream|previous|current|seconds|result|sample|error|event)$/;

const common = {
  bundle: true,
  mangleProps: INTERNAL_PROPERTIES,
  minify: true,
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  logLevel: 'warning',
};

/** The entry points, by output name. */
export const ENTRIES = {
  rtcpulse: `${root}src/index.ts`,
  'rtcpulse-extras': `${root}src/extras/index.ts`,
};

/** Builds one entry in memory (ES module, minified) and returns its code. */
export async function bundleEntry(name) {
  const result = await build({ ...common, entryPoints: [ENTRIES[name]], format: 'esm', write: false });
  return result.outputFiles[0].contents;
}

/**
 * Writes every bundle (and its source map) to dist/. Each file is written
 * beside its place and renamed over it, so a page or test loading the SDK
 * while it is rebuilt reads the old file or the new one, never half of one.
 */
export async function buildSdk() {
  const written = { ...common, sourcemap: true, write: false };
  const results = await Promise.all([
    build({ ...written, entryPoints: [ENTRIES.rtcpulse], format: 'esm', outfile: `${root}dist/rtcpulse.js` }),
    build({ ...written, entryPoints: [ENTRIES.rtcpulse], format: 'iife', globalName: 'RtcPulse', outfile: `${root}dist/rtcpulse.iife.js` }),
    build({ ...written, entryPoints: [ENTRIES['rtcpulse-extras']], format: 'esm', outfile: `${root}dist/rtcpulse-extras.js` }),
  ]);
  await mkdir(`${root}dist`, { recursive: true });
  for (const file of results.flatMap((r) => r.outputFiles)) {
    const partial = `${file.path}.${process.pid}.tmp`;
    await writeFile(partial, file.contents);
    await rename(partial, file.path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSdk();
  console.log('sdk built: packages/sdk/dist/rtcpulse.js, rtcpulse.iife.js, rtcpulse-extras.js');
}
