// `npm run lab -- --scenario loss5 [--seconds 20] [--data-dir DIR] [--json]`
// `npm run lab -- --list`
// Runs one impairment scenario in headless Chromium against an in-process
// collector and prints what the SDK reported beside the injected truth.
import { parseArgs } from 'node:util';
import { launchChromium } from '@rtcpulse/browser-harness';
import { startLabCollector } from './lab-collector.js';
import { runScenario } from './run-scenario.js';
import { SCENARIOS } from './scenarios.js';
import { formatTable } from './table.js';

const USAGE = `usage: npm run lab -- --scenario <name> [--seconds N] [--data-dir DIR] [--json]
       npm run lab -- --list`;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function err(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', short: 's' },
      seconds: { type: 'string' },
      'data-dir': { type: 'string' },
      list: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (values.list) {
    out(formatTable(['scenario', 'default s', 'what it injects'], SCENARIOS.map((s) => [s.name, String(s.defaultSeconds), s.description])));
    return 0;
  }
  const scenario = SCENARIOS.find((s) => s.name === values.scenario);
  if (!scenario) {
    err(values.scenario ? `unknown scenario "${values.scenario}"; --list shows them` : USAGE);
    return 2;
  }
  const seconds = values.seconds === undefined ? scenario.defaultSeconds : Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 600) {
    err('--seconds must be a number between 1 and 600');
    return 2;
  }
  const collector = await startLabCollector(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] });
  const browser = await launchChromium();
  try {
    err(`scenario ${scenario.name}: ${scenario.description} (${seconds} s)`);
    const run = await runScenario({ ...collector, browser, scenario, seconds, log: (line) => err(`  ${line}`) });
    if (values.json) {
      out(JSON.stringify({ ...run, observation: { relay: run.observation.relay, seconds } }, null, 2));
    } else {
      out(`session ${run.sessionId} (tenant ${run.tenant}, call ${run.callId})`);
      out(formatTable(
        ['metric', 'injected', 'reported', 'tolerance', 'verdict'],
        run.verdicts.map((v) => [v.metric, v.injected, v.reported, v.tolerance, v.pass ? 'ok' : 'FAIL']),
      ));
    }
    if (values['data-dir'] !== undefined) err(`the report stays in ${collector.dataDir}`);
    return run.pass ? 0 : 1;
  } finally {
    await browser.close();
    await collector.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
