import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOutputs, pricesFromEnv } from '@rtcpulse/alerts';
import { pricingFromEnv } from '@rtcpulse/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDashboards } from '../src/index.js';

/**
 * The generated files price usage as the collector does: the dashboards'
 * price constants and the Grafana-managed cost rules are generated from the
 * same environment the collector reads (`RTCPULSE_PRICING_FILE`,
 * `RTCPULSE_PRICE_*`), not from the built-in defaults.
 */

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rtcpulse-pricing-'));
  const file = join(dir, 'prices.json');
  await writeFile(file, JSON.stringify({ egressPerGb: 0.05, turnPerGb: 0.4, cpuHour: 0.03, storageRetentionMonths: 12 }));
  env = { RTCPULSE_PRICING_FILE: file, RTCPULSE_PRICE_RAM_GB_HOUR: '0.004' };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EXPECTED = { egressPerGb: 0.05, turnPerGb: 0.4, cpuHour: 0.03, ramGbHour: 0.004, storageGbMonth: 0.023, storageRetentionMonths: 12 };

function constants(board: unknown): Record<string, string> {
  const list = (board as { templating: { list: { type: string; name: string; query: string }[] } }).templating.list;
  return Object.fromEntries(list.filter((v) => v.type === 'constant' && v.name !== 'runbook_base').map((v) => [v.name, v.query]));
}

const PRICE_CONSTANTS = {
  price_egress_per_gb: '0.05',
  price_turn_per_gb: '0.4',
  price_cpu_hour: '0.03',
  price_ram_gb_hour: '0.004',
  price_storage_gb_month: '0.023',
  storage_retention_months: '12',
};

describe('prices in the generated files', () => {
  it('are read from the environment exactly as the collector reads it', () => {
    expect(pricesFromEnv(env)).toEqual(EXPECTED);
    expect(pricingFromEnv(env)).toEqual(EXPECTED);
    expect(() => pricesFromEnv({ RTCPULSE_PRICE_CPU_HOUR: '-1' })).toThrow(/cpuHour/);
  });

  it('set the cost and runbook dashboards\' price constants and the Grafana cost rules', () => {
    const prices = pricesFromEnv(env);
    const boards = generateDashboards({ prices });
    for (const file of ['cost.json', 'runbook.json']) {
      expect(constants(boards.find((b) => b.file === file)?.dashboard), file).toEqual(PRICE_CONSTANTS);
    }
    const rules = generateOutputs({ prices }).get('grafana/alert-rules.yml') ?? '';
    expect(rules).toContain('/ 3600000 * 0.03 AS cpu');
    expect(rules).toContain('/ 1000000000 * 0.4 AS egress');
    expect(rules).not.toContain('* 0.08');
  });

  it('come from the environment when `npm run generate -w dashboards` runs', async () => {
    const out = join(dir, 'boards');
    const cli = fileURLToPath(new URL('../src/cli/generate.ts', import.meta.url));
    execFileSync(process.execPath, ['--import', 'tsx', cli, '--out', out], { env: { ...process.env, ...env }, stdio: 'pipe' });
    expect(constants(JSON.parse(await readFile(join(out, 'cost.json'), 'utf8')))).toEqual(PRICE_CONSTANTS);
  });
});
