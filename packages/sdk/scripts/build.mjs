// Bundles the browser SDK: an ES module and a classic-script global
// (`RtcPulse`), both minified, with source maps, into packages/sdk/dist.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  entryPoints: [`${root}src/index.ts`],
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, format: 'esm', outfile: `${root}dist/rtcpulse.js` });
await build({ ...common, format: 'iife', globalName: 'RtcPulse', outfile: `${root}dist/rtcpulse.iife.js` });
console.log('sdk built: packages/sdk/dist/rtcpulse.js, rtcpulse.iife.js');
