import { describe, expect, it } from 'vitest';
import { batchesTable, eventsTable, samplesTable } from '../src/store/ddl.js';
import { batchRow, eventRows, findUnstorableTimestamp, sampleRows, toDateTime64 } from '../src/store/rows.js';
import { dedupToken } from '../src/store/store.js';
import { T0, makeBatch } from './fixtures.js';

const RECEIVED = new Date(Date.UTC(2026, 0, 15, 10, 0, 30, 5));
const names = (columns: readonly { name: string }[]) => columns.map((c) => c.name).sort();

describe('store/rows', () => {
  it('fills every column of each table, and nothing else', () => {
    const batch = makeBatch();
    for (const row of sampleRows(batch, RECEIVED)) expect(Object.keys(row).sort()).toEqual(names(samplesTable().columns));
    for (const row of eventRows(batch, RECEIVED)) expect(Object.keys(row).sort()).toEqual(names(eventsTable().columns));
    expect(Object.keys(batchRow(batch, RECEIVED)).sort()).toEqual(names(batchesTable().columns));
  });

  it('maps one sample to one row with its values, labels and metadata', () => {
    const rows = sampleRows(makeBatch(), RECEIVED);
    expect(rows).toHaveLength(10);
    const row = rows.find((r) => r.pc_id === 'pc-b' && r.seq === 3);
    expect(row).toMatchObject({
      tenant: 'acme-public-key',
      session_id: 'sess-1',
      call_id: 'call-42',
      ts: toDateTime64(T0 + 6000),
      received_at: '2026-01-15 10:00:30.005',
      dur_ms: 2000,
      rtt_ms: 53,
      audio_out_rtt_ms: 54,
      video_in_freeze_count: 1,
      video_out_packet_loss_pct: null,
      local_candidate_type: 'relay',
      relay_protocol: 'udp',
      region: 'eu-west',
    });
    expect(rows.find((r) => r.pc_id === 'pc-a')).toMatchObject({ relay_protocol: '' });
  });

  it('maps events with empty strings and null for what they do not carry', () => {
    const [start] = eventRows(makeBatch(), RECEIVED);
    expect(start).toMatchObject({ pc_id: '', type: 'session.start', state: '', value: null, message: '' });
  });

  it('records the dropped counts of the batch', () => {
    expect(batchRow(makeBatch({ dropped: { samples: 3, events: 1 } }), RECEIVED)).toMatchObject({
      sample_count: 10,
      event_count: 6,
      dropped_samples: 3,
      dropped_events: 1,
    });
  });

  it('formats UTC DateTime64(3) text', () => {
    expect(toDateTime64(0)).toBe('1970-01-01 00:00:00.000');
    expect(toDateTime64(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe('2026-12-31 23:59:59.999');
  });

  it('names the first timestamp ClickHouse cannot store', () => {
    expect(findUnstorableTimestamp(makeBatch())).toBeUndefined();
    expect(findUnstorableTimestamp(makeBatch({ sentAt: 8e15 }))).toBe('body/sentAt');
    const batch = makeBatch();
    batch.events[1] = { ...batch.events[1]!, ts: Date.UTC(2300, 0, 1) };
    expect(findUnstorableTimestamp(batch)).toBe('body/events/1/ts');
  });

  it('derives one deduplication token per tenant, session, batch and table', () => {
    const batch = makeBatch();
    expect(dedupToken(batch, 'samples')).toBe(dedupToken(makeBatch(), 'samples'));
    expect(dedupToken(batch, 'samples')).not.toBe(dedupToken(batch, 'events'));
    expect(dedupToken(batch, 'samples')).not.toBe(dedupToken(makeBatch({ batchSeq: 1 }), 'samples'));
    expect(dedupToken(batch, 'samples')).not.toBe(dedupToken(makeBatch({ tenant: 'other' }), 'samples'));
    expect(dedupToken(batch, 'samples')).toMatch(/^[0-9a-f]{64}$/);
  });
});
