// Runs every benchmark script in the repository, one after another:
// `<workspace>/bench/*.bench.mjs` or `*.bench.ts` (run with tsx). Each prints
// its own figures beside the baseline it measures in the same run.
// `npm run bench -- <filter>` runs only the scripts whose path contains it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const roots = ['packages', 'collector', 'dashboards', 'alerts', 'examples'];
const dirs = [];
for (const root of roots) {
  if (!existsSync(root)) continue;
  if (existsSync(join(root, 'bench'))) dirs.push(join(root, 'bench'));
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const bench = join(root, entry.name, 'bench');
    if (entry.isDirectory() && existsSync(bench)) dirs.push(bench);
  }
}
const scripts = dirs
  .flatMap((dir) => readdirSync(dir).filter((f) => /\.bench\.(mjs|ts)$/.test(f)).map((f) => join(dir, f)))
  .filter((path) => path.includes(filter))
  .sort();
if (scripts.length === 0) {
  console.error(`no benchmark scripts found${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const script of scripts) {
  console.log(`\n=== ${script} ===`);
  execFileSync('npx', ['tsx', script], { stdio: 'inherit' });
}
