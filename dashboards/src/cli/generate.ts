// Regenerates dashboards/generated/*.json from the metric registry.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDashboards } from '../generate.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'generated');
const files = await writeDashboards(out);
console.log(`wrote ${files.length} dashboards to ${out}: ${files.join(', ')}`);
