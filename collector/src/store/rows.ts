import { SAMPLE_LABELS, sampleColumns, type ReportBatch, type Sample } from '@rtcpulse/schema';

/** A row as sent to ClickHouse in `JSONEachRow`: column name to value. */
export type Row = Record<string, string | number | null>;

/** Latest instant a `DateTime64(3)` column holds. */
export const MAX_STORABLE_EPOCH_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

/** Format epoch milliseconds as ClickHouse reads a UTC `DateTime64(3)`: `YYYY-MM-DD hh:mm:ss.sss`. */
export function toDateTime64(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The first client timestamp ClickHouse could not store, as a request path
 * (`body/samples/3/ts`), or `undefined` when all fit. The wire schema allows
 * any epoch milliseconds; the table does not.
 */
export function findUnstorableTimestamp(batch: ReportBatch): string | undefined {
  const bad = (ms: number) => !(ms >= 0 && ms <= MAX_STORABLE_EPOCH_MS);
  if (bad(batch.sentAt)) return 'body/sentAt';
  const sample = batch.samples.findIndex((s) => bad(s.ts));
  if (sample >= 0) return `body/samples/${sample}/ts`;
  const event = batch.events.findIndex((e) => bad(e.ts));
  if (event >= 0) return `body/events/${event}/ts`;
  return undefined;
}

function sessionIds(batch: ReportBatch): Row {
  return {
    tenant: batch.tenant,
    session_id: batch.sessionId,
    call_id: batch.callId,
    participant_id: batch.participantId,
  };
}

/** The client columns every row of a batch carries (samples, events, the session summary). */
export function clientMeta(batch: ReportBatch): Record<string, string> {
  return {
    sdk_version: batch.sdkVersion,
    browser: batch.meta.browser ?? 'other',
    browser_version: batch.meta.browserVersion ?? '',
    os: batch.meta.os ?? 'other',
    region: batch.meta.region ?? '',
    topology: batch.meta.topology ?? '',
  };
}

/** A metric's value in a sample: the connection's (`stream` undefined) or a stream's; undefined when absent. */
export function sampleValue(sample: Sample, stream: string | undefined, key: string): number | undefined {
  const values: Readonly<Record<string, number | undefined>> | undefined =
    stream === undefined ? sample.conn : (sample.streams as Readonly<Record<string, Readonly<Record<string, number | undefined>> | undefined>>)[stream];
  return values?.[key];
}

function metricValue(sample: Sample, column: ReturnType<typeof sampleColumns>[number]): number | null {
  return sampleValue(sample, column.stream, column.metric.key) ?? null;
}

/** One `samples` row per sample: session ids, client meta, labels ('' when absent), metrics (null when absent). */
export function sampleRows(batch: ReportBatch, receivedAt: Date): Row[] {
  const ids = sessionIds(batch);
  const meta = clientMeta(batch);
  const columns = sampleColumns();
  const received = toDateTime64(receivedAt.getTime());
  return batch.samples.map((sample) => {
    const row: Row = {
      ...ids,
      pc_id: sample.pc,
      seq: sample.seq,
      ts: toDateTime64(sample.ts),
      dur_ms: sample.dur,
      received_at: received,
      ...meta,
    };
    const labels: Readonly<Record<string, string | undefined>> = sample.labels;
    for (const label of SAMPLE_LABELS) row[label.key] = labels[label.key] ?? '';
    for (const column of columns) row[column.column] = metricValue(sample, column);
    return row;
  });
}

/** One `events` row per event; absent optional fields become '' (or null for `value`). */
export function eventRows(batch: ReportBatch, receivedAt: Date): Row[] {
  const ids = sessionIds(batch);
  const meta = clientMeta(batch);
  const received = toDateTime64(receivedAt.getTime());
  return batch.events.map((event) => ({
    ...ids,
    pc_id: event.pc ?? '',
    ts: toDateTime64(event.ts),
    received_at: received,
    type: event.type,
    state: event.state ?? '',
    value: event.value ?? null,
    name: event.name ?? '',
    stage: event.stage ?? '',
    message: event.message ?? '',
    ...meta,
  }));
}

/**
 * The single `batches` row: counts carried and counts the SDK reports as
 * dropped, the consent state ('' when absent) and sampling rate (null when
 * absent) the batch carried, and the measured clock skew (null when unknown).
 */
export function batchRow(batch: ReportBatch, receivedAt: Date, clockSkewMs?: number): Row {
  return {
    ...sessionIds(batch),
    batch_seq: batch.batchSeq,
    sent_at: toDateTime64(batch.sentAt),
    received_at: toDateTime64(receivedAt.getTime()),
    sample_count: batch.samples.length,
    event_count: batch.events.length,
    dropped_samples: batch.dropped.samples,
    dropped_events: batch.dropped.events,
    sdk_version: batch.sdkVersion,
    consent: batch.consent ?? '',
    sample_rate: batch.sampleRate ?? null,
    clock_skew_ms: clockSkewMs ?? null,
  };
}
