import { isRetryableStatus } from '@rtcpulse/schema';
import type { ImportAbortedError, ImportResult } from './import-dump.js';
import { count } from './count-words.js';
import { describeImportReport, readEverything, truncationText } from './import-report.js';
import { ImportSendError } from './send-batch.js';

/** The command's exit codes (README "Exit codes"). */
export const EXIT_CODES = {
  /** Everything in the dump was read and is stored (or converted, in a dry run). */
  ok: 0,
  /** Nothing was imported (empty file, nothing readable), or the import stopped, whatever it stored (batch not delivered, file unreadable or cut off). */
  failed: 1,
  /** Wrong command line. */
  usage: 2,
  /** Imported, but not everything: something could not be read, the file (an rtcstats dump) is truncated, or the dump had no stats samples. */
  partial: 3,
  /** Every batch was already stored: nothing new was written. */
  nothingNew: 4,
} as const;

/** What the command prints and returns for an import. */
export interface ImportOutcome {
  exitCode: number;
  /** One line for stdout: what was done. */
  summary: string;
  /** Lines for stderr: the report and what the outcome means. */
  details: string[];
}

function stored(result: ImportResult): string {
  const { batchesSent, samplesSent, eventsSent, batchesDuplicate } = result;
  const again = batchesDuplicate ? `, ${batchesDuplicate} of them already stored before` : '';
  return `${count(batchesSent, 'batch', 'batches')} (${count(samplesSent, 'sample', 'samples')}, ${count(eventsSent, 'event', 'events')})${again}`;
}

/** The outcome of a finished import: exit code, summary and explanation (README "Exit codes"). */
export function importOutcome(result: ImportResult, file: string, seconds: number): ImportOutcome {
  const { identity, meta, report } = result;
  const client = `${meta.browser}${meta.browserVersion ? ` ${meta.browserVersion}` : ''} on ${meta.os}`;
  const verb = result.dryRun ? 'converted (dry run)' : 'imported';
  const summary = `${verb} ${file} with tenant key ${identity.tenant}, session ${identity.sessionId} (${client}) in ${seconds.toFixed(1)} s: ${stored(result)}`;
  const details = describeImportReport(report);
  // A gzip file cut before its first line ends holds no line, but is not empty: its report says it is truncated.
  if (report.empty && !report.truncated) return { exitCode: EXIT_CODES.failed, summary: `nothing imported from ${file}: the file is empty`, details: [] };
  if (result.samplesSent === 0 && result.eventsSent === 0) {
    // Not one line was a dump entry (a binary file, a log, an HTML page): say what the file is not, not that it was cut off.
    // (A file of one line with no line end, such as an error page's text, reads as a dump cut off in its first line,
    // unless that line began as an entry does: then it is a dump cut off early.)
    const noEntry = report.unparseableLines + report.malformedLines > 0 || (report.truncation === 'line' && !report.cutLineIsEntry);
    if (report.entries === 0 && noEntry && report.format !== 'webrtc-internals') {
      return {
        exitCode: EXIT_CODES.failed,
        summary: `nothing imported from ${file}: not a dump this importer reads (no line of it is an rtcstats entry, and it is not a webrtc-internals export)`,
        details: [],
      };
    }
    details.push('nothing imported: the dump held no readable stats samples or events');
    return { exitCode: EXIT_CODES.failed, summary: `nothing imported from ${file}`, details };
  }
  if (!result.dryRun && result.batchesDuplicate === result.batchesSent) {
    const again = result.derivedSessionId ? 'pass --session to import again under a new id' : 'pass another --session to import it again';
    details.push(`${result.batchesSent === 1 ? 'the batch was' : `${result.batchesSent} batches were`} already stored; nothing new written — ${again}`);
    const held = result.derivedSessionId ? `session ${identity.sessionId}` : `this dump in session ${identity.sessionId}`;
    return { exitCode: EXIT_CODES.nothingNew, summary: `nothing new from ${file}: the collector already holds ${held} (tenant key ${identity.tenant})`, details };
  }
  if (report.truncated) details.push(`the file is truncated (${truncationText(report)}): what came before the cut was imported`);
  if (result.batchesDuplicate > 0) details.push(`${result.batchesDuplicate} of ${result.batchesSent} batches ${result.batchesDuplicate === 1 ? 'was' : 'were'} already stored (kept once); the rest is new`);
  if (result.shiftMs !== 0) details.push(`timestamps shifted by ${result.shiftMs} ms (resume or repeat with --session ${identity.sessionId} --shift-ms ${result.shiftMs})`);
  if (report.samples === 0) {
    details.push('imported events only: the dump held no readable stats samples, so the quality dashboards show nothing for it');
    return { exitCode: EXIT_CODES.partial, summary, details };
  }
  return { exitCode: readEverything(report) ? EXIT_CODES.ok : EXIT_CODES.partial, summary, details };
}

/**
 * What to do after a stop. Re-running helps only when the batch could not
 * be delivered for a passing reason (network, 408, 429, 5xx); a refusal
 * (400, 401, 403, …) or a dump that cannot be read stops the same way again.
 */
function afterStop(error: ImportAbortedError): string {
  const { identity, shiftMs } = error.partial;
  const cause = error.cause;
  const rerun = shiftMs !== 0 ? `re-running with --session ${identity.sessionId} --shift-ms ${shiftMs}` : 're-running the same command';
  const shifted = shiftMs !== 0 ? ' (a new --shift-to-now would start a new session)' : '';
  if (!(cause instanceof ImportSendError)) return 'the dump itself could not be read: re-running stops the same way';
  if (cause.status !== undefined && !isRetryableStatus(cause.status)) {
    const fix = cause.status === 404 || cause.status === 405 ? 'for 404 or 405, the --url: give the collector\'s origin or its /v1/reports' : 'for 401 or 403, the --tenant key';
    return `the collector refused the batch: ${rerun} stops the same way until the cause is fixed (${fix}); after that it is safe, batches already stored are kept once${shifted}`;
  }
  return `${rerun} is safe: it uses the same session and batch numbers, and batches already stored are kept once${shifted}`;
}

/**
 * What the command prints and returns when an import stopped part-way:
 * what is stored, what was read, and whether re-running helps. Always exit
 * 1, whatever was stored and whether the file is compressed (README "Exit
 * codes").
 */
export function abortedOutcome(error: ImportAbortedError, file: string): ImportOutcome {
  const { partial } = error;
  const { identity } = partial;
  const details = [`stopped: ${error.message}`];
  if (!partial.dryRun) details.push(`stored before the failure: ${stored(partial)} in session ${identity.sessionId} (tenant key ${identity.tenant})`);
  details.push('read before the stop:');
  // One line per peer connection: not spread into push(), which overflows the stack for a large dump.
  for (const line of describeImportReport(partial.report)) details.push(`  ${line}`);
  // A dry run sent nothing: nothing to resume.
  if (!partial.dryRun) details.push(afterStop(error));
  return { exitCode: EXIT_CODES.failed, summary: `import of ${file} stopped after ${stored(partial)}`, details };
}
