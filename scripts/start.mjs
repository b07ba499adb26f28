// `npm start`: builds the browser SDK, then runs the collector with the demo
// in this very process (tsx registered in-process, no tsx child), and
// package.json starts it with `exec`, so npm's child is this node process.
// A SIGTERM or SIGINT sent to `npm start` is passed on by npm to it, and the
// collector drains before it exits. Extra arguments go to the collector:
// `npm start -- --port 4400`.
import { register } from 'tsx/esm/api';
import { buildSdk } from '../packages/sdk/scripts/build.mjs';

await buildSdk();
console.log('sdk built: packages/sdk/dist/rtcpulse.js, rtcpulse.iife.js, rtcpulse-extras.js');
register();
process.argv.splice(2, 0, '--demo');
await import('../collector/src/server.ts');
