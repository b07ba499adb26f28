import type { ReportEvent } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { storableBatch, storableText } from '../src/ingest/storable-text.js';
import type { CollectorApp } from '../src/index.js';
import { makeBatch, onAppPerFile, postBatch, scrapeMetrics, select } from './fixtures.js';

let app: CollectorApp;
onAppPerFile((started) => (app = started));

describe('free text of a report, as stored', () => {
  it.each([
    ['candidate 203.0.113.177 54321 typ host', 'candidate [ip] 54321 typ host'],
    ['peer 2001:db8::177 left', 'peer [ip] left'],
    // What URLSearchParams writes for an IPv6 or IPv4 address, and percent-encoded dots.
    ['GET /turn?peer=2001%3Adb8%3A%3A1314&x=1', 'GET /turn?peer=[ip]&x=1'],
    ['host 10%2E11%2E12%2E13 down', 'host [ip] down'],
    // One number for the host of a URL, decimal or hex; full-width digits.
    ['fetch http://168496141/x failed', 'fetch http://[ip]/x failed'],
    ['fetch http://0x0a0b0c0d:8080/ failed', 'fetch http://[ip]:8080/ failed'],
    ['from １０.１.２.３', 'from [ip]'],
    ['device kim@example.com 10.177.1.1 not found', 'device [email] [ip] not found'],
    // URLSearchParams writes @ as %40 (and + as %2B); the ideographic full stop between digits.
    ['user=kim%2Bwork%40example.com denied', 'user=[email] denied'],
    ['peer 10。1。2。3 gone', 'peer [ip] gone'],
    // Full-width hex digits and colons, a full-width @, small full stops.
    ['from ２００１：ｄｂ８：：１ and fe80::ａｂｃｄ', 'from [ip] and [ip]'],
    ['mail kim＠example.com', 'mail [email]'],
    ['host 10﹒0﹒0﹒1', 'host [ip]'],
  ])('%s', (sent, stored) => {
    expect(storableText(sent)).toBe(stored);
  });

  it('stores text that had something replaced no longer than it was sent, but for the replacement itself', () => {
    // NFKC would have made this 64-character region 1,048 characters long (U+FDFA is 18 characters in NFKC).
    const region = '\ufdfa'.repeat(57) + '1.2.3.4';
    expect(storableText(region)).toBe('\ufdfa'.repeat(57) + '[ip]');
  });

  it('replaces an address after a long run of word characters, and leaves a run that only looks like one', () => {
    // (The e-mail pattern starts only where a run starts: trying every position was quadratic, 0.6 s for a report of 1000
    // such messages. Time is not asserted here; the figures are in the commit that changed it.)
    expect(storableText(`${'x'.repeat(512)} kim@example.com`)).toBe(`${'x'.repeat(512)} [email]`);
    expect(storableText(`${'a.'.repeat(256)}@a`)).toBe(`${'a.'.repeat(256)}@a`);
  });

  it('keeps text with nothing to replace exactly as sent (also what NFKC would change)', () => {
    for (const text of ['ﬁle not found: ｆｕｌｌ width', 'OperationError: bad sdp', 'camera in use by 2 apps', 'version 1.2.3', 'eu-west-1']) {
      expect(storableText(text)).toBe(text);
    }
  });

  it('cuts the session-description lines a failed signalling call quotes, keeping the line type', () => {
    const event = (stage: string, message: string): ReportEvent => ({ ts: 1, type: 'error', name: 'OperationError', stage, message });
    const batch = storableBatch(
      makeBatch({
        events: [
          event('setRemoteDescription', "Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to parse SessionDescription. c=IN IP4 alice-laptop.corp.example.com/bad Expect line: c=<nettype> <addrtype> <connection-address>"),
          event('setRemoteDescription', 'Failed to parse SessionDescription. o=alice@example.com 1 2 IN IP4'),
          event('getUserMedia', 'Requested device not found (a=1)'),
          event('setRemoteDescription', "Invalid SDP line: 'c=IN IP4 alice-laptop.corp.example.com'"),
        ],
      }),
    );
    expect(batch.events.map((e) => e.message)).toEqual([
      "Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to parse SessionDescription. c=[sdp]",
      'Failed to parse SessionDescription. o=[sdp]',
      // Not a signalling call: only addresses are replaced.
      'Requested device not found (a=1)',
      "Invalid SDP line: 'c=[sdp]",
    ]);
  });

  it('is what the collector stores, exports and audits: end reason, error message, region and topology', async () => {
    const batch = makeBatch({
      sessionId: 'storable',
      meta: { browser: 'chrome', os: 'linux', region: '10.44.55.66', topology: 'fe80::4455' },
      events: [
        { ts: Date.now() - 2000, type: 'audit', name: 'join', state: 'unknown' },
        { ts: Date.now() - 1500, type: 'error', name: 'Error', stage: 'app', message: 'TURN 2001%3Adb8%3A%3A1 refused grace@example.com' },
        { ts: Date.now() - 1000, type: 'session.end', name: 'kicked 10.91.92.93 grace@example.com' },
      ],
    });
    const response = await postBatch(app, batch);
    expect(response.statusCode, response.body).toBe(202);
    const events = await select<{ type: string; name: string; message: string }>(app, `SELECT type, name, message FROM events WHERE session_id = 'storable' ORDER BY ts`);
    expect(events.map((e) => [e.type, e.name, e.message])).toEqual([
      ['audit', 'join', ''],
      ['error', 'Error', 'TURN [ip] refused [email]'],
      ['session.end', 'kicked [ip] [email]', ''],
    ]);
    const [session] = await select<{ end_reason: string }>(app, `SELECT end_reason FROM sessions FINAL WHERE session_id = 'storable'`);
    expect(session?.end_reason).toBe('kicked [ip] [email]');
    const [audit] = await select<{ region: string }>(app, `SELECT region FROM audit_log WHERE session_id = 'storable'`);
    expect(audit?.region).toBe('[ip]');
    const metrics = (await scrapeMetrics(app)).body;
    expect(metrics).not.toContain('10.44.55.66');
    expect(metrics).not.toContain('fe80::4455');
    const everything = JSON.stringify(await select(app, `SELECT * FROM samples WHERE session_id = 'storable'`));
    expect(everything).not.toMatch(/10\.44\.55\.66|fe80::4455/);
  });
});
