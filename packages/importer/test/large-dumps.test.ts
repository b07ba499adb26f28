import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  abortedOutcome,
  emptyImportReport,
  ImportAbortedError,
  importDumpFile,
  MAX_LINE_CHARS,
  readWebrtcInternals,
  type ImportResult,
} from '../src/index.js';
import { tooLongError } from '../src/text-limit.js';
import { accepted } from './answering-server.js';
import { scratchPerFile } from './scratch.js';
import { INTERNALS_FIXTURE, readText } from './dump-files.js';

// More entries than a spread into a call can take (the stack gives out near 100 000).
const MANY = 150_000;
const T = 1_700_000_000_000;

const scratch = scratchPerFile('rtcpulse-importer-large-');

describe('a webrtc-internals export with very many entries', () => {
  it('is read whole, one peer connection with 150 000 log entries and 150 000 peer connections alike', { timeout: 10_000 }, () => {
    const log = Array.from({ length: MANY }, (_, i) => ({ time: T + i, type: 'icecandidate', value: '' }));
    const long = readWebrtcInternals({ PeerConnections: { '1-1': { updateLog: log, stats: {} } }, UserAgent: 'Mozilla/5.0' });
    // The log, the `create` made for the connection, and the user agent.
    expect(long.entries).toHaveLength(MANY + 2);
    expect(long.entries[0]?.method).toBe('connectionInfo');
    const pcs = Object.fromEntries(Array.from({ length: MANY }, (_, i) => [`1-${i}`, { updateLog: [{ time: T + i, type: 'close', value: '' }], stats: {} }]));
    expect(readWebrtcInternals({ PeerConnections: pcs }).entries).toHaveLength(2 * MANY);
  });

  it('describes a stop however many peer connections there are: the first ten, every one with unreadable samples, and a count of the rest', () => {
    const report = emptyImportReport('webrtc-internals');
    for (let i = 0; i < MANY; i++) report.peerConnections[`1-${i}`] = { samples: 1, events: 0, legacySamples: i === MANY - 1 ? 3 : 0 };
    const partial: ImportResult = {
      ...{ identity: { tenant: 't', sessionId: 's', callId: 's', participantId: 'imported' }, derivedSessionId: true },
      ...{ meta: { browser: 'chrome', os: 'linux' }, report, shiftMs: 0, dryRun: true },
      ...{ batchesSent: 0, samplesSent: 0, eventsSent: 0, batchesDuplicate: 0 },
    };
    const outcome = abortedOutcome(new ImportAbortedError(partial, new Error('stopped')), 'big.json');
    const listed = outcome.details.filter((line) => /^ {4}1-\d+: /.test(line));
    expect(listed).toHaveLength(11);
    expect(listed.at(-1)).toBe(`    1-${MANY - 1}: 1 sample, 0 events, 3 legacy goog* stats samples NOT READABLE`);
    expect(outcome.details).toContain(`    … and ${MANY - 11} more peer connections`);
  });
});

describe('text longer than a string can be', () => {
  it("names the limit: V8's longest string, about 512 MiB", () => {
    expect(tooLongError('line 1 of the file', MAX_LINE_CHARS).message).toMatch(
      /^line 1 of the file is longer than 536870888 characters \(512 MiB\), the longest string Node\.js can hold: it cannot be read\. .*ask for Chrome's rtcstats dump/,
    );
  });

  it.each([
    // A line-format dump whose second line is over the limit.
    ['long-line.rtcstats', () => `["connectionInfo",null,{"userAgent":"Mozilla/5.0"},${T}]\n["create","PC_0",{"x":"${'x'.repeat(5_000)}"},${T}]\n`, /^stopped: line 2 of the file is longer than 4096 characters/],
    // A pretty-printed export: no line is over the limit, the export (parsed as one string) is.
    ['pretty-internals.json', () => JSON.stringify(JSON.parse(readText(INTERNALS_FIXTURE)), null, 1), /^stopped: the webrtc-internals export is longer than 4096 characters/],
  ])('stops %s with a message naming the limit, never "the file is empty" or "everything was read"', async (name, text, message) => {
    const path = scratch.path(name);
    await writeFile(path, text());
    const server = await scratch.serve([accepted('stored')]);
    const error = await importDumpFile(path, { url: server.url, tenant: 't', maxLineChars: 4_096 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportAbortedError);
    const outcome = abortedOutcome(error as ImportAbortedError, name);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.details[0]).toMatch(message);
    expect(outcome.details).toContainEqual(expect.stringMatching(/could not read: what follows the stop/));
    expect(outcome.details).not.toContainEqual(expect.stringMatching(/everything in the dump was read|the file is empty/));
    expect(outcome.details.at(-1)).toBe('the dump itself could not be read: re-running stops the same way');
  });
});
