import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_RUNBOOK_BASE_URL } from '../generate/outputs.js';
import { pricesFromEnv } from '../generate/prices-env.js';
import { writeOutputs } from '../generate/write.js';

/**
 * `npm run generate -w alerts [-- --out DIR --runbook-base-url URL]`:
 * writes Prometheus rules and tests (both naming paths), the Grafana
 * provisioning file and the runbook pages under `alerts/generated/`.
 * The base URL also comes from `RTCPULSE_RUNBOOK_BASE_URL`. The Grafana cost
 * rules price usage as the collector does, from the same environment
 * (`RTCPULSE_PRICING_FILE`, `RTCPULSE_PRICE_*`; the defaults without them).
 */
const { values } = parseArgs({
  options: { out: { type: 'string' }, 'runbook-base-url': { type: 'string' } },
});
const outDir = values.out ?? fileURLToPath(new URL('../../generated', import.meta.url));
const runbookBaseUrl = values['runbook-base-url'] ?? process.env.RTCPULSE_RUNBOOK_BASE_URL ?? DEFAULT_RUNBOOK_BASE_URL;
const written = await writeOutputs(outDir, { runbookBaseUrl, prices: pricesFromEnv(process.env) });
console.log(`alerts: wrote ${written.length} files to ${outDir}`);
