// Bundles the browser SDK into packages/sdk/dist, minified with source maps
// (esbuild bundles and shortens the internal property names, terser
// minifies: its output of the core is about 220 B smaller gzipped):
// - rtcpulse.js (ES module) and rtcpulse.iife.js (classic script, global
//   `RtcPulse`): the core; the 8 KB min+gzip budget is checked on the ES
//   module (the classic script's wrapper adds about 190 B);
// - rtcpulse-extras.js (ES module): app-invoked helpers (post-call feedback,
//   media capture wrappers) that work on a core session object.
// `buildSdk()` writes them (npm start, the browser tests); `bundleEntry()` builds
// one ES module in memory for the size check in the tests and the benchmark.
import { build } from 'esbuild';
import { minify } from 'terser';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Property names used only inside the SDK, shortened in the bundle to keep
 * the core under its size budget. Only names that never appear on browser
 * objects, in the options, the public API or the wire format may be listed
 * (`now`, `random`, `set`, `values`, `add`, `restartIce`, `consent` may not).
 */
const INTERNAL_PROPERTIES =
  /^(take|unwatch|recover|batchMax|queueMax|failed|callFailed|lastOnline|noInboundMs|emit|tick|dispose|draw|addSample|addEvent|ready|maxAttempts|notBefore|attempts|batch|ratios|ratio|stream|previous|current|seconds|result|sample|error|event)$/;

/** The esbuild options every bundle is built with (also the benchmark's esbuild-only baseline). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  mangleProps: INTERNAL_PROPERTIES,
  target: ['chrome100', 'firefox100', 'safari15'],
  // esbuild's syntax folding before terser's gives the smallest core.
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
};

/**
 * Minifies one bundle. An ES module's top level is its own, so its names are
 * shortened too; a classic script keeps its global (`RtcPulse`). With `map`
 * (esbuild's source map of the bundle) the result maps to the sources.
 */
async function minified(code, format, map) {
  const sourceMap = map && { content: map.text, url: basename(map.path), includeSources: true };
  // ES2020 output: every target (Chrome 100, Firefox 100, Safari 15) runs it, and it is a few bytes smaller.
  const result = await minify(code, { module: format === 'esm', ecma: 2020, sourceMap, format: { comments: false } });
  return { code: result.code, map: result.map };
}

/** The entry points, by output name. */
export const ENTRIES = {
  rtcpulse: `${root}src/index.ts`,
  'rtcpulse-extras': `${root}src/extras/index.ts`,
};

/** Builds one entry in memory (ES module, bundled by esbuild, minified by terser) and returns its code. */
export async function bundleEntry(name) {
  const result = await build({ ...BUNDLE_OPTIONS, entryPoints: [ENTRIES[name]], format: 'esm' });
  return new TextEncoder().encode((await minified(result.outputFiles[0].text, 'esm')).code);
}

/**
 * Writes every bundle (and its source map) to dist/. Each file is written
 * beside its place and renamed over it, so a page or test loading the SDK
 * while it is rebuilt reads the old file or the new one, never half of one.
 */
export async function buildSdk() {
  const outputs = [
    { entry: ENTRIES.rtcpulse, format: 'esm', file: 'rtcpulse.js' },
    { entry: ENTRIES.rtcpulse, format: 'iife', globalName: 'RtcPulse', file: 'rtcpulse.iife.js' },
    { entry: ENTRIES['rtcpulse-extras'], format: 'esm', file: 'rtcpulse-extras.js' },
  ];
  const files = await Promise.all(
    outputs.map(async ({ entry, format, globalName, file }) => {
      const outfile = `${root}dist/${file}`;
      const { outputFiles } = await build({ ...BUNDLE_OPTIONS, sourcemap: 'external', entryPoints: [entry], format, globalName, outfile });
      // By extension, not by path: esbuild gives paths in the platform's own form.
      const bundle = outputFiles.find((f) => !f.path.endsWith('.map'));
      const { code, map } = await minified(bundle.text, format, outputFiles.find((f) => f.path.endsWith('.map')));
      return [
        [outfile, code],
        [`${outfile}.map`, map],
      ];
    }),
  );
  await mkdir(`${root}dist`, { recursive: true });
  for (const [path, contents] of files.flat()) {
    const partial = `${path}.${process.pid}.tmp`;
    await writeFile(partial, contents);
    await rename(partial, path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSdk();
  // On stderr: the commands that build first (npm run lab -- --json) keep stdout for their own output.
  console.error('sdk built: packages/sdk/dist/rtcpulse.js, rtcpulse.iife.js, rtcpulse-extras.js');
}
