import { ReportBatchSchema, type ReportEvent, type Sample } from '@rtcpulse/schema';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { Batcher, convertDumpText, describeImportReport, readEverything } from '../src/index.js';
import { CHROME_NATIVE_FIXTURE, INTERNALS_FIXTURE, SHARED_DUMPS, readText, sharedDumps } from './dump-files.js';

/** Samples per peer connection each dump must yield (one per readable getstats entry). */
const EXPECTED_SAMPLES: Record<string, Record<string, number>> = {
  'chrome-relay.rtcstats': { PC_0: 13 },
  'chrome-standard-multiple-p2p.rtcstats': { PC_0: 19, PC_1: 32, PC_2: 32, PC_3: 33, PC_4: 5, PC_5: 4, PC_6: 4 },
  'chrome-standard-pc-failed.rtcstats': { PC_0: 7, PC_1: 6, PC_2: 6 },
  'chrome-standard-pc-reconnect.rtcstats': { PC_0: 3, PC_1: 2, PC_2: 2 },
  'chrome96-standard-stats-p2p-add-transceiver.rtcstats': { PC_0: 0, PC_1: 0 },
  'firefox-relay.rtcstats': { PC_0: 5 },
  'firefox-standard-stats-sfu.rtcstats': { PC_0: 79 },
  'firefox97-standard-stats-sfu.rtcstats': { PC_0: 8 },
  'google-standard-stats-p2p.rtcstats': { PC_0: 29, PC_1: 52 },
  'google-standard-stats-relay-p2p.rtcstats': { PC_0: 10, PC_1: 10 },
  'google-standard-stats-sfu.rtcstats': { PC_0: 34 },
  'safari-relay.rtcstats': { PC_0: 20 },
  'safari-standard-stats.rtcstats': { PC_0: 82 },
  'undefined-ice-candidate.rtcstats': { PC_0: 3 },
};
const LEGACY = 'chrome96-standard-stats-p2p-add-transceiver.rtcstats';

function samplesPerPc(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) counts[s.pc] = (counts[s.pc] ?? 0) + 1;
  return counts;
}

/** Times of a dump's per-peer-connection lines, read straight from the file. */
function callTimesOf(text: string): number[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('['))
    .map((line) => JSON.parse(line) as unknown[])
    .filter(([method, pc, , ts]) => typeof pc === 'string' && !String(method).startsWith('navigator.') && typeof ts === 'number')
    .map((fields) => fields[3] as number);
}

function batchesOf(samples: Sample[], events: ReportEvent[]) {
  const batcher = new Batcher({ tenant: 't', sessionId: 's', callId: 'c', participantId: 'p' }, () => ({ browser: 'chrome', os: 'linux' }), 50);
  for (const s of samples) batcher.addSample(s);
  for (const e of events) batcher.addEvent(e);
  const batches = [];
  while (batcher.pending) batches.push(batcher.take());
  return batches;
}

it('knows every shared dump', () => {
  expect(sharedDumps()).toEqual(Object.keys(EXPECTED_SAMPLES).sort());
});

describe.each(sharedDumps())('importing %s', (name) => {
  it('converts into batches the collector accepts, with the expected samples per peer connection', async () => {
    const { samples, events, report, meta } = await convertDumpText(readText(`${SHARED_DUMPS}${name}`));
    const expected = EXPECTED_SAMPLES[name] ?? {};
    expect(Object.fromEntries(Object.entries(report.peerConnections).map(([pc, r]) => [pc, r.samples]))).toEqual(expected);
    expect(samplesPerPc(samples)).toEqual(Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0)));
    for (const pc of Object.keys(expected)) {
      const seqs = samples.filter((s) => s.pc === pc).map((s) => s.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i));
    }
    for (const batch of batchesOf(samples, events)) {
      const problem = [...Value.Errors(ReportBatchSchema, batch)][0];
      expect(problem && `${problem.path}: ${problem.message}`).toBeUndefined();
    }
    expect(meta?.browser).toBe(name.startsWith('firefox') ? 'firefox' : name.startsWith('safari') ? 'safari' : 'chrome');
  });

  it("starts and ends the session at the call's earliest and latest time, not at a page-level header's", async () => {
    // Six of the dumps stamp their page-level connectionInfo with a server
    // time years after the call; the session must span the call itself.
    const text = readText(`${SHARED_DUMPS}${name}`);
    const { samples, events } = await convertDumpText(text);
    const times = [...callTimesOf(text), ...samples.map((s) => s.ts), ...events.filter((e) => e.type === 'error' && !e.pc).map((e) => e.ts)];
    expect(events.filter((e) => e.type === 'session.start').map((e) => e.ts)).toEqual([Math.min(...times)]);
    expect(events.filter((e) => e.type === 'session.end')).toEqual([{ type: 'session.end', name: 'imported', ts: Math.max(...times) }]);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(3_600_000);
  });

  if (name === LEGACY) {
    it('reports the legacy goog* stats as not readable rather than silently empty', async () => {
      const { report } = await convertDumpText(readText(`${SHARED_DUMPS}${name}`));
      expect(report.samples).toBe(0);
      expect(report.legacyStatsSamples).toBe(6);
      expect(report.peerConnections['PC_0']?.legacySamples).toBe(3);
      expect(readEverything(report)).toBe(false);
    });
  } else {
    it('reads everything in it', async () => {
      const { report } = await convertDumpText(readText(`${SHARED_DUMPS}${name}`));
      expect(report).toMatchObject({ unparseableLines: 0, malformedLines: 0, legacyStatsSamples: 0, unusableEntries: 0, unknownMethods: {} });
      expect(readEverything(report)).toBe(true);
    });
  }
});

describe('what the replay derives', () => {
  it('turns connection failure and getUserMedia errors into events', async () => {
    const { events } = await convertDumpText(readText(`${SHARED_DUMPS}chrome-standard-pc-failed.rtcstats`));
    expect(events.filter((e) => e.type === 'connection.state' && e.state === 'failed').map((e) => e.pc).sort()).toEqual(['PC_0', 'PC_1', 'PC_2']);
    expect(events).toContainEqual(expect.objectContaining({ type: 'error', stage: 'getUserMedia', name: 'NotReadableError' }));
  });

  it('reports the ICE candidate-pair formation time once per connected peer connection', async () => {
    const { events } = await convertDumpText(readText(`${SHARED_DUMPS}google-standard-stats-p2p.rtcstats`));
    const formed = events.filter((e) => e.type === 'ice.pair.formed');
    expect(formed.map((e) => e.pc).sort()).toEqual(['PC_0', 'PC_1']);
    for (const e of formed) expect(e.value).toBeGreaterThanOrEqual(0);
  });

  it.each(['chrome-relay.rtcstats', 'firefox-relay.rtcstats', 'safari-relay.rtcstats'])(
    'names the selected pair\'s candidate types on the formation event of %s, as the SDK does (runbook entry 1 splits on them)',
    async (name) => {
      const { events, samples } = await convertDumpText(readText(`${SHARED_DUMPS}${name}`));
      const formed = events.filter((e) => e.type === 'ice.pair.formed');
      expect(formed.length).toBeGreaterThan(0);
      for (const event of formed) {
        // The types of the connection's first sample after it connected.
        const next = samples.find((s) => s.pc === event.pc && s.labels.local_candidate_type !== undefined);
        expect(event.name, `${event.pc ?? ''}`).toBe(next?.labels.local_candidate_type);
        expect(event.stage).toBe(next?.labels.remote_candidate_type);
      }
      expect(formed.some((e) => e.name === 'relay')).toBe(true);
    },
  );

  it.each(['chrome-relay.rtcstats', 'firefox-relay.rtcstats', 'safari-relay.rtcstats'])('sees the TURN relay in %s', async (name) => {
    const { samples } = await convertDumpText(readText(`${SHARED_DUMPS}${name}`));
    expect(samples.some((s) => s.labels.local_candidate_type === 'relay')).toBe(true);
  });
});

describe('Chromium 156 exports of one call', () => {
  it('reads the webrtc-internals export: two peer connections, one sample per poll, Chrome on Linux', async () => {
    const { report, meta, samples } = await convertDumpText(readText(INTERNALS_FIXTURE));
    expect(report.format).toBe('webrtc-internals');
    expect(meta).toEqual({ browser: 'chrome', browserVersion: '156', os: 'linux' });
    expect(samplesPerPc(samples)).toEqual({ '8-1': 17, '8-2': 17 });
    expect(readEverything(report)).toBe(true);
    const receiver = samples.filter((s) => s.pc === '8-2' && s.dur > 0);
    expect(receiver.every((s) => (s.streams.video_in?.bitrate_kbps ?? 0) > 50)).toBe(true);
  });

  it('names where the unusable entries of an export are: its peer connection and series or log entry; a log entry without a time is one', async () => {
    const json = JSON.parse(readText(INTERNALS_FIXTURE)) as { PeerConnections: Record<string, { stats: Record<string, { values: string }>; updateLog: Array<Record<string, unknown>> }> };
    const pc = json.PeerConnections['8-1']!;
    const bytes = Object.keys(pc.stats).find((k) => k.endsWith('-bytesSent'))!;
    pc.stats[bytes]!.values = '[1,2,"x"';
    pc.updateLog[0]!.timestamp = 'yesterday';
    (json.PeerConnections as Record<string, unknown>)['8-9'] = 'not a connection';
    const { report } = await convertDumpText(JSON.stringify(json));
    expect(report).toMatchObject({ unusableEntries: 2, untimedEntries: 1 });
    const described = describeImportReport(report).at(-1)!;
    expect(described).toContain('2 entries with an unusable value');
    expect(described).toContain('1 entry without a usable time');
    expect(described).toContain(`8-1: stats series ${bytes}`);
    expect(described).toContain(`8-1: update log entry 0 (${String(pc.updateLog[0]!.type)}, no usable time)`);
    expect(described).toContain('8-9: not a peer connection object');
  });

  it('reads a stats type the extraction does not know without calling it unread: exit 0, with a note of what was not used', async () => {
    const text = readText(`${SHARED_DUMPS}firefox-relay.rtcstats`).replace('"type":"candidate-pair"', '"type":"made-up-type"');
    const { report } = await convertDumpText(text);
    expect(report.unknownStatsTypes).toEqual({ 'made-up-type': expect.any(Number) as number });
    expect(readEverything(report)).toBe(true);
    const described = describeImportReport(report);
    expect(described).toContain('everything in the dump was read');
    expect(described.at(-1)).toMatch(/^not used: stats types the extraction does not know: made-up-type ×\d+$/);
  });

  it('says a stats sample made only of stats types the extraction does not know made no sample: exit 3', async () => {
    const text = [
      '["connectionInfo",null,{"userAgent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"},"1714979289000"]',
      '["create","PC_0",{},"1714979289010"]',
      '["getstats","PC_0",{"X1":{"id":"X1","type":"fancy-new-type","timestamp":1714979290000}},"1714979290000"]',
    ].join('\n');
    const { report, samples } = await convertDumpText(text);
    expect(samples).toHaveLength(0);
    expect(report.unknownOnlyStatsSamples).toBe(1);
    expect(readEverything(report)).toBe(false);
    expect(describeImportReport(report).join('\n')).toContain('1 stats sample with only stats types the extraction does not know (no sample made)');
  });

  it("reads Chrome's own rtcstats dump (relative timestamps, getStats entries)", async () => {
    const { report, meta, samples } = await convertDumpText(readText(CHROME_NATIVE_FIXTURE));
    expect(report.format).toBe('chrome-rtcstats');
    expect(report.headerLines).toBe(2);
    expect(meta).toEqual({ browser: 'chrome', browserVersion: '156', os: 'linux' });
    expect(samplesPerPc(samples)).toEqual({ '8-1': 19, '8-2': 19 });
    expect(readEverything(report)).toBe(true);
  });

  it('derives the same local values from both exports where they cover the same poll', async () => {
    // Local reports (transport, candidate pair, inbound/outbound RTP) carry the
    // poll's timestamp in both exports. Remote reports carry the time of the
    // last RTCP, so in the webrtc-internals series they can land one poll apart.
    const internals = (await convertDumpText(readText(INTERNALS_FIXTURE))).samples;
    const native = (await convertDumpText(readText(CHROME_NATIVE_FIXTURE))).samples;
    const key = (s: Sample): string => `${s.pc}@${s.ts}`;
    const local = (s: Sample | undefined) => ({
      dur: s?.dur,
      conn: s?.conn,
      labels: s?.labels,
      streams: Object.fromEntries(
        Object.entries(s?.streams ?? {}).map(([k, v]) => [k, { packets: v.packets, bitrate_kbps: v.bitrate_kbps }]),
      ),
    });
    const nativeByKey = new Map(native.map((s) => [key(s), s]));
    const matched = internals.filter((s) => s.dur > 0 && nativeByKey.has(key(s)));
    expect(matched.length).toBeGreaterThanOrEqual(20);
    for (const s of matched) expect(local(s)).toEqual(local(nativeByKey.get(key(s))));
  });

  it('derives the same events from both exports: decoded states and the pair formation time', async () => {
    // Chrome JSON-encodes state values in both exports (`"\"connected\""`).
    // The export has no creation time (its `pc.added` is at the first entry)
    // and its samples end earlier, so `pc.added` and the session's span differ.
    const internals = (await convertDumpText(readText(INTERNALS_FIXTURE))).events;
    const native = (await convertDumpText(readText(CHROME_NATIVE_FIXTURE))).events;
    const spanless = (events: ReportEvent[]) => events.filter((e) => !['pc.added', 'session.start', 'session.end'].includes(e.type));
    expect(spanless(native)).toEqual(spanless(internals));
    expect(native.filter((e) => e.type === 'pc.added').map((e) => e.pc)).toEqual(['8-1', '8-2']);
    expect(internals.filter((e) => e.type === 'pc.added').map((e) => e.pc)).toEqual(['8-1', '8-2']);
    expect(native.filter((e) => e.type === 'connection.state').map((e) => e.state)).toEqual(['connecting', 'connecting', 'connected', 'connected']);
    expect(native.filter((e) => e.type === 'ice.pair.formed').map((e) => e.pc).sort()).toEqual(['8-1', '8-2']);
  });
});

describe("Chrome's remove entry", () => {
  const T = 1_700_000_000_000;
  const dump = [
    'RTCStatsDump',
    '{"fileFormat":3}',
    `["create","8-1",{},"http://127.0.0.1/",${T}]`,
    '["create","8-2",{},"http://127.0.0.1/",1]',
    '["close","8-1",null,100]',
    '["remove","8-1",null,50]',
    '["remove","8-2",null,50]',
  ].join('\n');

  it('is the end of a peer connection: one pc.closed, from close or else from remove, and nothing unread', async () => {
    const { events, report } = await convertDumpText(dump);
    expect(events.filter((e) => e.type === 'pc.closed').map((e) => [e.pc, e.ts])).toEqual([
      ['8-1', T + 101],
      ['8-2', T + 201],
    ]);
    expect(report.unknownMethods).toEqual({});
    expect(readEverything(report)).toBe(true);
  });
});

describe('what it cannot read', () => {
  it('counts unparseable lines, lines that are not entries, and unknown methods, with line numbers', async () => {
    const text = [
      '["connectionInfo",null,{"userAgent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"},1700000000000]',
      'not json at all',
      '{"some":"object"}',
      '["somethingNew","PC_0",{},1700000000001]',
      '["somethingNew","PC_0",{},1700000000002]',
      '["getstats","PC_0","not an object",1700000000003]',
    ].join('\n');
    const { report, meta } = await convertDumpText(text);
    expect(meta).toEqual({ browser: 'firefox', browserVersion: '120', os: 'linux' });
    expect(report).toMatchObject({ unparseableLines: 1, malformedLines: 1, exampleLines: [2, 3], unknownMethods: { somethingNew: 2 }, unusableEntries: 1, samples: 0 });
    expect(readEverything(report)).toBe(false);
  });
});
