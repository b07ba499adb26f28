// Budget 1 of the SDK: the core bundle ≤ 8 KB minified + gzipped. Prints
// each entry point beside the extraction alone (the pure stats → sample
// part, the baseline every build carries) and the core as esbuild's own
// minifier leaves it (what terser's pass gains), measured in the same run.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { buildSdk, BUNDLE_OPTIONS, bundleEntry, ENTRIES } from '../scripts/build.mjs';

const BUDGET = 8192;
const size = (code: Uint8Array): string => `${code.length} B min, ${gzipSync(code).length} B min+gzip`;

const extract = (await build({
  entryPoints: [new URL('../src/extract/index.ts', import.meta.url).pathname],
  bundle: true, minify: true, format: 'esm', write: false, target: ['chrome100', 'firefox100', 'safari15'],
})).outputFiles[0]!.contents;
const esbuildOnly = (await build({ ...BUNDLE_OPTIONS, entryPoints: [ENTRIES.rtcpulse], minify: true, format: 'esm' })).outputFiles[0]!.contents;
const core = await bundleEntry('rtcpulse');
const extras = await bundleEntry('rtcpulse-extras');
await buildSdk();
const iife = await readFile(new URL('../dist/rtcpulse.iife.js', import.meta.url));
console.log(`extraction only (baseline)     ${size(extract)}`);
console.log(`core  dist/rtcpulse.js         ${size(core)}   budget ${BUDGET} B min+gzip: ${gzipSync(core).length <= BUDGET ? 'within' : 'OVER'} (${BUDGET - gzipSync(core).length} B left)`);
console.log(`core, esbuild minify alone     ${size(esbuildOnly)}   (baseline: the build before terser)`);
console.log(`core  dist/rtcpulse.iife.js    ${size(iife)}   (classic script, global RtcPulse; the budget is checked on the ES module)`);
console.log(`extras dist/rtcpulse-extras.js ${size(extras)}   (separate entry: feedback, media capture)`);
