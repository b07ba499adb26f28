import { SAMPLE_LABELS, sampleColumns, type ReportBatch } from '@rtcpulse/schema';
import { sampleValue, toDateTime64 } from './rows.js';

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

/** The `TabSeparated` fields every sample and event row of a batch shares: its ids, receive time and client meta. */
export interface BatchFields {
  /** tenant, session, call and participant ids. */
  readonly head: string;
  readonly received: string;
  /** SDK version, browser, browser version, OS, region, topology. */
  readonly tail: string;
}

/** The {@link BatchFields} of a batch: computed once per batch, shared by its sample and event lines. */
export function batchFields(batch: ReportBatch, receivedAt: number): BatchFields {
  const meta = batch.meta;
  return {
    head: [batch.tenant, batch.sessionId, batch.callId, batch.participantId].map(tsvString).join('\t'),
    received: toDateTime64(receivedAt),
    tail: [batch.sdkVersion, meta.browser ?? 'other', meta.browserVersion ?? '', meta.os ?? 'other', meta.region ?? '', meta.topology ?? ''].map(tsvString).join('\t'),
  };
}

/**
 * The `samples` rows of a batch as `TabSeparated` lines in the
 * {@link sampleColumns} order: the same values as `sampleRows`, encoded
 * straight from the batch, with no row objects in between (the hot path).
 */
export function sampleText(batch: ReportBatch, receivedAt: number, fields: BatchFields = batchFields(batch, receivedAt)): string {
  const { labels, metrics } = samplePlan();
  const { head, received, tail } = fields;
  let text = '';
  for (const sample of batch.samples) {
    const cells = [head, tsvString(sample.pc), String(sample.seq), toDateTime64(sample.ts), String(sample.dur), received, tail];
    const sampleLabels: Readonly<Record<string, string | undefined>> = sample.labels;
    for (const label of labels) {
      const value = sampleLabels[label];
      cells.push(value === undefined ? '' : tsvString(value));
    }
    for (const metric of metrics) {
      const value = sampleValue(sample, metric.stream, metric.key);
      cells.push(value === undefined ? '\\N' : String(value));
    }
    text += `${cells.join('\t')}\n`;
  }
  return text;
}

/** Columns of {@link eventText} lines, in order. */
export const EVENT_COLUMNS: readonly string[] = [
  ...['tenant', 'session_id', 'call_id', 'participant_id', 'pc_id', 'ts', 'received_at'],
  ...['type', 'state', 'value', 'name', 'stage', 'message'],
  ...['sdk_version', 'browser', 'browser_version', 'os', 'region', 'topology'],
];

/** The `events` rows of a batch as `TabSeparated` lines (the same values as `eventRows`). */
export function eventText(batch: ReportBatch, receivedAt: number, fields: BatchFields = batchFields(batch, receivedAt)): string {
  const { head, received, tail } = fields;
  let text = '';
  for (const e of batch.events) {
    const value = e.value === undefined ? '\\N' : String(e.value);
    const fields = [e.type, e.state ?? ''].map(tsvString).join('\t');
    const details = [e.name ?? '', e.stage ?? '', e.message ?? ''].map(tsvString).join('\t');
    text += `${head}\t${tsvString(e.pc ?? '')}\t${toDateTime64(e.ts)}\t${received}\t${fields}\t${value}\t${details}\t${tail}\n`;
  }
  return text;
}

/** Rows already encoded as `TabSeparated` lines, under their column list. */
export interface EncodedBlock {
  readonly columns: readonly string[];
  /** Newline-terminated lines, one per row. */
  readonly text: string;
  readonly rows: number;
}

/** The `samples` rows of some batches as one block. */
export function sampleBlock(texts: readonly string[], rows: number): EncodedBlock {
  return { columns: samplePlan().columns, text: texts.join(''), rows };
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
const NEEDS_ESCAPE = /[\\\t\n\r\0]/;

/** A string as a `TabSeparated` field (backslash escapes). */
function tsvString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(TSV_SPECIAL, escape) : value;
}

function tsvValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return tsvString(value);
  if (Array.isArray(value)) return `[${value.map((v) => `'${String(v).replace(QUOTED_SPECIAL, escape)}'`).join(',')}]`;
  return String(value).replace(TSV_SPECIAL, escape);
}

/** A block as `TabSeparated` text (`\N` for NULL, backslash escapes, arrays of strings quoted). */
export function tsvText(block: Block): string {
  let text = '';
  for (const row of block.rows) text += `${row.map(tsvValue).join('\t')}\n`;
  return text;
}
