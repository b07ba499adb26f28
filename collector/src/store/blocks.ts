import { SAMPLE_LABELS, sampleColumns, type ReportBatch } from '@rtcpulse/schema';
import { toDateTime64 } from './rows.js';

/** Rows of one table as value arrays under one column list: what one insert sends. */
export interface Block {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

interface SamplePlan {
  readonly columns: readonly string[];
  readonly labels: readonly string[];
  readonly metrics: readonly { readonly stream: string | undefined; readonly key: string }[];
}

let plan: SamplePlan | undefined;

/** The `samples` column order of {@link sampleBlock}, computed once from the registry. */
function samplePlan(): SamplePlan {
  if (plan) return plan;
  const metrics = sampleColumns().map((c) => ({ stream: c.stream, key: c.metric.key }));
  const labels = SAMPLE_LABELS.map((l) => l.key);
  const columns = [
    ...['tenant', 'session_id', 'call_id', 'participant_id', 'pc_id', 'seq', 'ts', 'dur_ms', 'received_at'],
    ...['sdk_version', 'browser', 'browser_version', 'os', 'region', 'topology'],
    ...labels,
    ...sampleColumns().map((c) => c.column),
  ];
  plan = { columns, labels, metrics };
  return plan;
}

/** Index of each `samples` column in a {@link sampleBlock} row. */
export function sampleColumnIndex(): ReadonlyMap<string, number> {
  return new Map(samplePlan().columns.map((c, i) => [c, i]));
}

/**
 * The `samples` rows of a batch as value arrays (the same values as
 * `sampleRows`, built without an object per row: this is the hot path).
 */
export function sampleValues(batch: ReportBatch, receivedAt: number): unknown[][] {
  const { labels, metrics } = samplePlan();
  const received = toDateTime64(receivedAt);
  const meta = batch.meta;
  const head = [batch.tenant, batch.sessionId, batch.callId, batch.participantId];
  const tail = [batch.sdkVersion, meta.browser, meta.browserVersion ?? '', meta.os, meta.region ?? '', meta.topology ?? ''];
  return batch.samples.map((sample) => {
    const row: unknown[] = [...head, sample.pc, sample.seq, toDateTime64(sample.ts), sample.dur, received, ...tail];
    const sampleLabels: Readonly<Record<string, string | undefined>> = sample.labels;
    for (const label of labels) row.push(sampleLabels[label] ?? '');
    const streams: Readonly<Record<string, Readonly<Record<string, number | undefined>> | undefined>> = sample.streams;
    const conn: Readonly<Record<string, number | undefined>> = sample.conn;
    for (const metric of metrics) {
      const values = metric.stream === undefined ? conn : streams[metric.stream];
      row.push(values?.[metric.key] ?? null);
    }
    return row;
  });
}

/** Columns of {@link eventValues} rows, in order. */
export const EVENT_COLUMNS: readonly string[] = [
  ...['tenant', 'session_id', 'call_id', 'participant_id', 'pc_id', 'ts', 'received_at'],
  ...['type', 'state', 'value', 'name', 'stage', 'message'],
  ...['sdk_version', 'browser', 'browser_version', 'os', 'region', 'topology'],
];

/** The `events` rows of a batch as value arrays (the same values as `eventRows`). */
export function eventValues(batch: ReportBatch, receivedAt: number): unknown[][] {
  const received = toDateTime64(receivedAt);
  const meta = batch.meta;
  return batch.events.map((e) => [
    batch.tenant,
    batch.sessionId,
    batch.callId,
    batch.participantId,
    e.pc ?? '',
    toDateTime64(e.ts),
    received,
    e.type,
    e.state ?? '',
    e.value ?? null,
    e.name ?? '',
    e.stage ?? '',
    e.message ?? '',
    batch.sdkVersion,
    meta.browser,
    meta.browserVersion ?? '',
    meta.os,
    meta.region ?? '',
    meta.topology ?? '',
  ]);
}

/** The `samples` block of some batches. */
export function sampleBlock(rows: readonly (readonly unknown[])[]): Block {
  return { columns: samplePlan().columns, rows };
}

/**
 * Objects as a block when they all have the same keys (in any order),
 * `undefined` otherwise.
 */
export function objectBlock(objects: readonly object[]): Block | undefined {
  const first = objects[0];
  if (!first) return undefined;
  const columns = Object.keys(first);
  const rows: unknown[][] = [];
  for (const object of objects) {
    const record = object as Record<string, unknown>;
    if (Object.keys(record).length !== columns.length || columns.some((c) => !(c in record))) return undefined;
    rows.push(columns.map((c) => record[c]));
  }
  return { columns, rows };
}

const TSV_SPECIAL = /[\\\t\n\r\0]/g;
const QUOTED_SPECIAL = /[\\'\t\n\r\0]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', "'": "\\'" };
const escape = (char: string): string => ESCAPES[char] ?? char;

function tsvValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.replace(TSV_SPECIAL, escape);
  if (Array.isArray(value)) return `[${value.map((v) => `'${String(v).replace(QUOTED_SPECIAL, escape)}'`).join(',')}]`;
  return String(value).replace(TSV_SPECIAL, escape);
}

/** A block as `TabSeparated` text (`\N` for NULL, backslash escapes, arrays of strings quoted). */
export function tsvText(block: Block): string {
  let text = '';
  for (const row of block.rows) text += `${row.map(tsvValue).join('\t')}\n`;
  return text;
}
