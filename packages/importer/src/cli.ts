// `npm run import-dump -- <file> --url http://127.0.0.1:4318/v1/reports --tenant <key> [options]`
// Replays an rtcstats dump, Chrome's own rtcstats dump or a chrome://webrtc-internals
// export (plain or .gz) through the SDK's extraction into a collector.
import { parseArgs } from 'node:util';
import { describeImportReport, readEverything } from './import-report.js';
import { importDumpFile } from './import-dump.js';

const USAGE = `usage: npm run import-dump -- <dump file> --tenant <key> [--url URL]
  --url URL            collector ingest URL (default http://127.0.0.1:4318/v1/reports)
  --tenant KEY         tenant ingest key (required)
  --session ID         session id (default: derived from the file, so a re-import is stored once)
  --call ID            call id (default: the session id)
  --participant ID     participant id (default: imported)
  --region NAME        region to attach; --topology p2p|sfu|mcu
  --shift-to-now       move every timestamp so that the dump ends now
  --dry-run            read and convert, send nothing
  --quiet              no progress lines`;

function err(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:4318/v1/reports' },
      tenant: { type: 'string' },
      session: { type: 'string' },
      call: { type: 'string' },
      participant: { type: 'string' },
      region: { type: 'string' },
      topology: { type: 'string' },
      'shift-to-now': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [file] = positionals;
  if (values.help || !file || !values.tenant || positionals.length > 1) {
    err(USAGE);
    return values.help ? 0 : 2;
  }
  const started = Date.now();
  let lastShown = 0;
  const result = await importDumpFile(file, {
    url: values.url,
    tenant: values.tenant,
    ...(values.session === undefined ? {} : { sessionId: values.session }),
    ...(values.call === undefined ? {} : { callId: values.call }),
    ...(values.participant === undefined ? {} : { participantId: values.participant }),
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values.topology === undefined ? {} : { topology: values.topology }),
    shiftToNow: values['shift-to-now'] === true,
    dryRun: values['dry-run'] === true,
    onProgress: (p) => {
      if (values.quiet || (p.percent < 100 && p.percent - lastShown < 5)) return;
      lastShown = p.percent;
      err(`${String(p.percent).padStart(3)}%  ${p.lines} lines, ${p.samples} samples, ${p.batchesSent} batches sent`);
    },
  });
  const { identity, meta, report } = result;
  process.stdout.write(
    `${values['dry-run'] ? 'converted (dry run)' : 'imported'} ${file} as tenant ${identity.tenant}, session ${identity.sessionId}` +
      ` (${meta.browser}${meta.browserVersion ? ` ${meta.browserVersion}` : ''} on ${meta.os}) in ${((Date.now() - started) / 1000).toFixed(1)} s, ${result.batchesSent} batches\n`,
  );
  for (const line of describeImportReport(report)) err(line);
  if (report.samples === 0) {
    err('nothing to show: the dump held no readable stats samples');
    return 1;
  }
  return readEverything(report) ? 0 : 3;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
