// Type-checks every workspace with its own tsconfig (the SDK sees the DOM,
// the collector sees Node), then the tests and tools.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const projects = [
  'packages/schema/tsconfig.json',
  'packages/schema/test/tsconfig.json',
  'packages/sdk/tsconfig.json',
  'packages/sdk/test/tsconfig.json',
  'packages/sdk/bench/tsconfig.json',
  'packages/server-sdk/tsconfig.json',
  'packages/server-sdk/test/tsconfig.json',
  'collector/tsconfig.json',
  'collector/fault/tsconfig.json',
  'collector/bench/tsconfig.json',
  'dashboards/tsconfig.json',
  'dashboards/bench/tsconfig.json',
  'alerts/tsconfig.json',
  'examples/tsconfig.json',
  'examples/lab/tsconfig.json',
  'packages/importer/tsconfig.json',
  'packages/browser-harness/tsconfig.json',
  'tsconfig.json',
].filter((p) => existsSync(p));

let failed = false;
for (const project of projects) {
  try {
    execFileSync('npx', ['tsc', '-p', project], { stdio: 'inherit' });
    console.log(`typecheck ok: ${project}`);
  } catch {
    failed = true;
    console.error(`typecheck FAILED: ${project}`);
  }
}
process.exit(failed ? 1 : 0);
