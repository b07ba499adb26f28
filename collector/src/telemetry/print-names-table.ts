/**
 * Rewrite the generated Prometheus names table in `collector/README.md`
 * from the registry: `npx tsx collector/src/telemetry/print-names-table.ts`
 * (`--check` exits 1 instead when the README is out of date).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NAMES_TABLE_BEGIN, NAMES_TABLE_END, namesTableSection } from './names-table.js';

const readme = fileURLToPath(new URL('../../README.md', import.meta.url));
const text = readFileSync(readme, 'utf8');
const begin = text.indexOf(NAMES_TABLE_BEGIN);
const end = text.indexOf(NAMES_TABLE_END);
if (begin < 0 || end < begin) {
  process.stderr.write(`${readme}: the table marks are missing\n`);
  process.exit(1);
}
const updated = text.slice(0, begin) + namesTableSection() + text.slice(end + NAMES_TABLE_END.length);
if (process.argv.includes('--check')) {
  process.exit(updated === text ? 0 : 1);
}
writeFileSync(readme, updated);
process.stdout.write(`updated ${readme}\n`);
