import { describe, expect, it } from 'vitest';
import { convertDumpText, describeImportReport, importOutcome, readEverything, type ImportResult } from '../src/index.js';
import { INTERNALS_FIXTURE, readText } from './dump-files.js';

const UA = '{"userAgent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"}';
const AT = Date.parse('2024-05-06T07:08:09.000Z');

/** The outcome of an import that sent what `convertDumpText` produced (what the command decides from). */
function outcomeOf(converted: Awaited<ReturnType<typeof convertDumpText>>) {
  const result: ImportResult = {
    identity: { tenant: 't', sessionId: 's', callId: 's', participantId: 'imported' },
    derivedSessionId: true,
    meta: { browser: 'firefox', os: 'linux' },
    report: converted.report,
    shiftMs: 0,
    dryRun: false,
    batchesSent: converted.samples.length + converted.events.length > 0 ? 1 : 0,
    samplesSent: converted.samples.length,
    eventsSent: converted.events.length,
    batchesDuplicate: 0,
  };
  return importOutcome(result, 'dump.rtcstats', 0.1);
}

describe('timestamps', () => {
  it('reads numeric-string and ISO timestamps instead of storing 1970, and counts lines without a time as unreadable', async () => {
    const text = [
      `["connectionInfo",null,${UA},"${AT}"]`,
      `["create","PC_0",{},"${AT + 10}"]`,
      `["oniceconnectionstatechange","PC_0","checking","2024-05-06T07:08:10.000Z"]`,
      `["onconnectionstatechange","PC_0","connected"]`,
      `["onconnectionstatechange","PC_0","failed","soon"]`,
    ].join('\n');
    const { events, report } = await convertDumpText(text);
    expect(events.map((e) => [e.type, e.ts])).toEqual([
      ['pc.added', AT + 10],
      ['ice.connection.state', AT + 1000],
      ['session.start', AT + 10],
      ['session.end', AT + 1000],
    ]);
    expect(report.untimedEntries).toBe(2);
    expect(report.exampleLines).toEqual([4, 5]);
    expect(readEverything(report)).toBe(false);
    expect(describeImportReport(report).at(-1)).toMatch(/2 entries without a usable time/);
  });
});

describe('text', () => {
  it('keeps text well formed: an emoji cut at a length limit loses its first half, a lone surrogate becomes U+FFFD (the collector refuses either)', async () => {
    const cutEmoji = JSON.stringify({ name: 'OperationError', message: `${'x'.repeat(511)}😀 and more` });
    const text = [
      `["connectionInfo",null,${UA},"${AT}"]`,
      `["create","PC_0",{},"${AT + 10}"]`,
      `["createOfferOnFailure","PC_0",${cutEmoji},"${AT + 20}"]`,
      `["navigator.mediaDevices.getUserMediaOnFailure",null,"NotAllowedError: bad \\ud800 text","${AT + 30}"]`,
      `["onconnectionstatechange","PC_0","${'s'.repeat(63)}\\ud83d\\ude00","${AT + 40}"]`,
    ].join('\n');
    const { events } = await convertDumpText(text);
    const texts = events.flatMap((e) => [e.message, e.state, e.name].filter((t): t is string => typeof t === 'string'));
    for (const t of texts) expect((t as string & { isWellFormed(): boolean }).isWellFormed(), JSON.stringify(t)).toBe(true);
    expect(events.find((e) => e.stage === 'createOffer')?.message).toBe('x'.repeat(511));
    expect(events.find((e) => e.stage === 'getUserMedia')?.message).toBe('bad \uFFFD text');
    expect(events.find((e) => e.type === 'connection.state')?.state).toBe('s'.repeat(63));
  });

  it('replaces IP addresses in error messages as the SDK does (a failed addIceCandidate quotes the candidate)', async () => {
    const text = [
      `["connectionInfo",null,${UA},"${AT}"]`,
      `["create","PC_0",{},"${AT + 10}"]`,
      `["addIceCandidateOnFailure","PC_0","OperationError: a=candidate:1 1 udp 2122260223 203.0.113.177 54321 typ host","${AT + 20}"]`,
      `["setRemoteDescriptionOnFailure","PC_0",{"name":"OperationError","message":"c=IN IP6 2001:db8::177"},"${AT + 30}"]`,
    ].join('\n');
    const { events } = await convertDumpText(text);
    expect(events.filter((e) => e.type === 'error').map((e) => e.message)).toEqual([
      'a=candidate:1 1 udp 2122260223 [ip] 54321 typ host',
      'c=IN IP6 [ip]',
    ]);
  });

  it('skips a UTF-8 byte order mark before an rtcstats dump', async () => {
    const { report, meta } = await convertDumpText(`\uFEFF["connectionInfo",null,${UA},${AT}]\n["create","PC_0",{},${AT}]`);
    expect(report.unparseableLines).toBe(0);
    expect(meta?.browser).toBe('firefox');
    expect(readEverything(report)).toBe(true);
  });

  it('skips a UTF-8 byte order mark before a webrtc-internals export', async () => {
    const { report, samples } = await convertDumpText(`\uFEFF${readText(INTERNALS_FIXTURE)}`);
    expect(report.format).toBe('webrtc-internals');
    expect(samples).toHaveLength(34);
  });

  it('says an empty file is empty and fails, rather than "everything was read"', async () => {
    for (const text of ['', '\n\n', '  \n']) {
      const converted = await convertDumpText(text);
      expect(converted.report.empty).toBe(true);
      expect(describeImportReport(converted.report)).toEqual(['the file is empty']);
      expect(readEverything(converted.report)).toBe(false);
      expect(outcomeOf(converted)).toMatchObject({ exitCode: 1, summary: 'nothing imported from dump.rtcstats: the file is empty' });
    }
  });

  it('imports a dump of events only as a partial import (exit 3), not as a failure after "imported"', async () => {
    const converted = await convertDumpText(
      [`["connectionInfo",null,${UA},${AT}]`, `["create","PC_0",{},${AT}]`, `["onconnectionstatechange","PC_0","connected",${AT + 5}]`].join('\n'),
    );
    expect(converted.samples).toHaveLength(0);
    const outcome = outcomeOf(converted);
    expect(outcome.exitCode).toBe(3);
    expect(outcome.summary).toMatch(/^imported dump\.rtcstats .*: 1 batch \(0 samples, 4 events\)$/);
    expect(outcome.details.at(-1)).toMatch(/events only/);
  });

  it('fails (exit 1) when nothing in the dump was readable, and says the file is no dump when no line was an entry', async () => {
    const outcome = outcomeOf(await convertDumpText('not json\n{"also":"not an entry"}'));
    expect(outcome.exitCode).toBe(1);
    // Before: "format rtcstats … could not read: the rest of the file: it is truncated …" for a binary file.
    expect(outcome.summary).toMatch(/^nothing imported from .*: not a dump this importer reads \(no line of it is an rtcstats entry/);
    const entriesOnly = outcomeOf(await convertDumpText('["connectionInfo",null,{"userAgent":"x"},1700000000000]\nnot json'));
    expect(entriesOnly.exitCode).toBe(1);
    expect(entriesOnly.details.at(-1)).toMatch(/nothing imported/);
  });
});
