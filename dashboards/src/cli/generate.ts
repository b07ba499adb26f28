// `npm run generate -w dashboards [-- --out DIR --runbook-base-url URL]`:
// regenerates dashboards/generated/*.json from the metric registry. The
// runbook base URL (where the runbook pages are served, for the Runbook
// dashboard's links) also comes from RTCPULSE_RUNBOOK_BASE_URL, as for the
// alert rules; the committed files keep the repository's relative default.
// Prices (the cost panels' constants, the runbook's cost rules) are read as
// the collector reads them: RTCPULSE_PRICING_FILE and RTCPULSE_PRICE_*.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pricesFromEnv } from '@rtcpulse/alerts';
import { writeDashboards } from '../generate.js';

const { values } = parseArgs({
  options: { out: { type: 'string' }, 'runbook-base-url': { type: 'string' } },
});
const out = values.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'generated');
const runbookBaseUrl = values['runbook-base-url'] ?? process.env.RTCPULSE_RUNBOOK_BASE_URL;
const prices = pricesFromEnv(process.env);
const files = await writeDashboards(out, { ...(runbookBaseUrl ? { runbookBaseUrl } : {}), prices });
console.log(`wrote ${files.length} dashboards to ${out}: ${files.join(', ')}`);
