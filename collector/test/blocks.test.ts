import { describe, expect, it } from 'vitest';
import { sdkReport } from '../fault/sdk-reports.js';
import type { CollectorApp } from '../src/index.js';
import { EVENT_COLUMNS, eventText, sampleBlock, sampleText, tsvText } from '../src/store/blocks.js';
import { eventsTable, samplesTable } from '../src/store/ddl.js';
import { eventRows, sampleRows } from '../src/store/rows.js';
import { makeBatch, onAppPerFile, select } from './fixtures.js';

let app: CollectorApp;
onAppPerFile((started) => (app = started));

describe('insert blocks', () => {
  it('hold the same values as the row objects, in the table column order', () => {
    const batch = makeBatch();
    // A label with a tab, a sample without one stream and a missing label: escapes and NULLs line up too.
    batch.sdkVersion = 'v\t1';
    const [first, second] = batch.samples;
    if (!first || !second) throw new Error('makeBatch gives two samples or more');
    const { audio_in: _dropped, ...otherStreams } = second.streams;
    batch.samples[1] = { ...second, streams: otherStreams, labels: {} };
    const received = Date.UTC(2026, 0, 15, 10, 0, 30);
    const block = sampleBlock([sampleText(batch, received)], batch.samples.length);
    expect([...block.columns].sort()).toEqual(samplesTable().columns.map((c) => c.name).sort());
    const objects = sampleRows(batch, new Date(received));
    expect(block.text).toBe(tsvText({ columns: block.columns, rows: objects.map((o) => block.columns.map((c) => o[c])) }));
    expect(block.text.split('\n')).toHaveLength(objects.length + 1);
    expect([...EVENT_COLUMNS].sort()).toEqual(eventsTable().columns.map((c) => c.name).sort());
    const events = eventRows(batch, new Date(received));
    expect(events.length).toBeGreaterThan(0);
    expect(eventText(batch, received)).toBe(tsvText({ columns: EVENT_COLUMNS, rows: events.map((e) => EVENT_COLUMNS.map((c) => e[c])) }));
  });

  it('store a record once when it is written again with other content under the same tokens', async () => {
    const batch = sdkReport({ tenant: 'acme-public-key', sessionId: 'token-once', batchSeq: 0 });
    await app.store.writeRecord({ seq: 7, reports: [{ batch, receivedAt: Date.UTC(2026, 0, 15, 10, 0, 0) }] });
    // Same batch ids (so the same tokens), a different receive time (so other bytes): only the token can drop it.
    await app.store.writeRecord({ seq: 7, reports: [{ batch, receivedAt: Date.UTC(2026, 0, 15, 10, 5, 0) }] });
    const [row] = await select<{ n: string; times: string }>(app, `SELECT count() AS n, uniqExact(received_at) AS times FROM samples WHERE session_id = 'token-once'`);
    expect(Number(row?.n)).toBe(batch.samples.length);
    expect(Number(row?.times)).toBe(1);
  });

  it('encode NULL, escapes and string arrays as TabSeparated', () => {
    const text = tsvText({ columns: ['a', 'b', 'c'], rows: [[null, 'x\ty\nz\\', ["it's", 'a\tb']]] });
    expect(text).toBe("\\N\tx\\ty\\nz\\\\\t['it\\'s','a\\tb']\n");
  });

  it('store strings with tabs, newlines, quotes and backslashes exactly', async () => {
    const nasty = "tab\there\nnew line \\ back 'quote' \"dq\" \u00e9\u20ac";
    const batch = sdkReport({ tenant: 'acme-public-key', sessionId: 'nasty', batchSeq: 0, last: true });
    batch.samples[0] = { ...batch.samples[0]!, pc: "pc'\t1" };
    batch.events.push({ ts: batch.sentAt, type: 'error', name: 'OperationError', stage: 'createOffer', message: nasty });
    await app.store.writeRecord({ seq: 5, reports: [{ batch, receivedAt: Date.now() }] });
    const [event] = await select<{ message: string }>(app, `SELECT message FROM events WHERE session_id = 'nasty' AND type = 'error'`);
    expect(event?.message).toBe(nasty);
    const pcs = await select<{ pc_id: string }>(app, `SELECT DISTINCT pc_id FROM samples WHERE session_id = 'nasty' ORDER BY pc_id`);
    expect(pcs.map((p) => p.pc_id).sort()).toEqual(['pc-0', "pc'\t1"].sort());
    const [session] = await select<{ pc_ids: string[] }>(app, `SELECT pc_ids FROM sessions FINAL WHERE session_id = 'nasty'`);
    expect([...(session?.pc_ids ?? [])].sort()).toEqual(['pc-0', "pc'\t1"].sort());
  });
});
