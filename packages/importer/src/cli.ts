// `npm run import-dump -- <file> --url http://127.0.0.1:4318 --tenant <key> [options]`
// Replays an rtcstats dump, Chrome's own rtcstats dump or a chrome://webrtc-internals
// export (plain or .gz) through the SDK's extraction into a collector.
// Exit codes: see EXIT_CODES (import-outcome.ts) and the README.
import { parseArgs } from 'node:util';
import { ImportAbortedError, importDumpFile, type ImportProgress } from './import-dump.js';
import { EXIT_CODES, abortedOutcome, importOutcome, type ImportOutcome } from './import-outcome.js';
import { count } from './count-words.js';
import { resolveIngestUrl } from './send-batch.js';

const USAGE = `usage: npm run import-dump -- <dump file> --tenant <key> [--url URL]
  --url URL            collector origin or ingest URL (default http://127.0.0.1:4318; /v1/reports is added to a bare origin)
  --tenant KEY         tenant public ingest key (required); import into a tenant of its own, see the README
  --session ID         session id (default: derived from the file's content, and from the shift, so a re-import is stored once;
                       several dumps under one --session are stored side by side)
  --call ID            call id (default: the session id)
  --participant ID     participant id (default: imported)
  --region NAME        region to attach; --topology p2p|sfu|mcu
  --shift-to-now       move every timestamp so that the call ends now
  --shift-ms N         move every timestamp by N ms (to resume a shifted import under --session)
  --dry-run            read and convert, send nothing
  --quiet              no progress lines
exit codes: 0 all read and stored; 1 nothing imported or stopped; 2 usage; 3 imported in part; 4 nothing new (already stored)`;

function err(text: string): void {
  process.stderr.write(`${text}\n`);
}

function usage(problem?: string): number {
  if (problem) err(problem);
  err(USAGE);
  return EXIT_CODES.usage;
}

function progressPrinter(quiet: boolean): (p: ImportProgress) => void {
  let lastPhase = '';
  let lastShown = 0;
  return (p) => {
    if (quiet) return;
    if (p.phase === lastPhase && p.percent < 100 && p.percent - lastShown < 5) return;
    lastPhase = p.phase;
    lastShown = p.percent;
    // Converting a webrtc-internals export goes by its entries (the percent); its lines and bytes were all read before.
    const read = p.phase === 'converting' ? '' : ` of ${(p.totalBytes / 1e6).toFixed(1)} MB  ${count(p.lines, 'line', 'lines')},`;
    err(`${p.phase.padEnd(10)} ${String(p.percent).padStart(3)}%${read} ${count(p.samples, 'sample', 'samples')}, ${count(p.batchesSent, 'batch', 'batches')} sent`);
  };
}

function readArgs() {
  return parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:4318' },
      tenant: { type: 'string' },
      session: { type: 'string' },
      call: { type: 'string' },
      participant: { type: 'string' },
      region: { type: 'string' },
      topology: { type: 'string' },
      'shift-to-now': { type: 'boolean' },
      'shift-ms': { type: 'string' },
      'dry-run': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  try {
    args = readArgs();
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = args;
  const [file] = positionals;
  if (values.help) {
    err(USAGE);
    return EXIT_CODES.ok;
  }
  if (!file || !values.tenant || positionals.length > 1) return usage();
  let url: string;
  try {
    url = resolveIngestUrl(values.url);
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const shiftMs = values['shift-ms'] === undefined ? undefined : Number(values['shift-ms']);
  if (shiftMs !== undefined && !Number.isInteger(shiftMs)) return usage(`--shift-ms needs a whole number of milliseconds: ${values['shift-ms']}`);
  const started = Date.now();
  let outcome: ImportOutcome;
  try {
    const result = await importDumpFile(file, {
      url,
      tenant: values.tenant,
      ...(values.session === undefined ? {} : { sessionId: values.session }),
      ...(values.call === undefined ? {} : { callId: values.call }),
      ...(values.participant === undefined ? {} : { participantId: values.participant }),
      ...(values.region === undefined ? {} : { region: values.region }),
      ...(values.topology === undefined ? {} : { topology: values.topology }),
      ...(shiftMs === undefined ? {} : { shiftMs }),
      shiftToNow: values['shift-to-now'] === true,
      dryRun: values['dry-run'] === true,
      onProgress: progressPrinter(values.quiet === true),
    });
    outcome = importOutcome(result, file, (Date.now() - started) / 1000);
  } catch (error) {
    if (!(error instanceof ImportAbortedError)) throw error;
    outcome = abortedOutcome(error, file);
  }
  process.stdout.write(`${outcome.summary}\n`);
  for (const line of outcome.details) err(line);
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A file that is missing, a directory or unreadable: Node's message names the path; say whose it is.
    err(`import-dump: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(EXIT_CODES.failed);
  },
);
