import { Type, type TSchema } from '@sinclair/typebox';
import {
  CONSENT_STATES,
  EVENT_TYPES,
  METRICS,
  SAMPLE_LABELS,
  STREAM_KEYS,
  isConnectionMetric,
  isStreamMetric,
  type ConnectionMetricKey,
  type EventType,
  type MetricDefinition,
  type SampleLabelKey,
  type StreamKey,
  type StreamMetricKey,
} from './registry/index.js';
import { REPORT_LIMITS } from './report-limits.js';

/**
 * Version of the report format. The collector accepts exactly the versions it
 * knows; additions that old collectors can ignore do not bump it.
 */
export const REPORT_VERSION = 1;

/** Hard limits that bound what one report can make the collector do (in a module of their own for the SDK). */
export { REPORT_LIMITS };

// ---- static types (what the SDK builds; `import type` only in the browser) ----

/** Per-stream values for one stream key: each registry metric that applies. */
export type StreamValues<S extends StreamKey> = { [K in StreamMetricKey<S>]?: number };

/** One sample: one peer connection over one sampling interval. */
export interface Sample {
  /** Peer connection id, unique within the session. */
  pc: string;
  /** Sequence number per peer connection, from 0, without gaps unless samples were dropped. */
  seq: number;
  /** Report timestamp, milliseconds since the Unix epoch (client clock). */
  ts: number;
  /** Length of the interval the deltas cover, in milliseconds (0 for a first sample). */
  dur: number;
  /** Connection-level values. */
  conn: { [K in ConnectionMetricKey]?: number };
  /** Values per media kind and direction; a key is absent when no such stream flowed. */
  streams: { [S in StreamKey]?: StreamValues<S> };
  /** Categorical values. */
  labels: { [K in SampleLabelKey]?: string };
}

/** A lifecycle, error or session event. */
export interface ReportEvent {
  /** Peer connection the event belongs to; absent for session-level events. */
  pc?: string;
  /** When it happened, milliseconds since the Unix epoch (client clock). */
  ts: number;
  type: EventType;
  /** New state for state-change events. */
  state?: string;
  /** A number the event carries (for example `ice.pair.formed` milliseconds). */
  value?: number;
  /** Error name or reason. */
  name?: string;
  /** Where it happened (for example `setRemoteDescription`). */
  stage?: string;
  /** Free text, truncated by the SDK. */
  message?: string;
}

/** Bounded, low-cardinality facts about the client that become metric attributes. */
export interface ClientMeta {
  /** Browser family; the collector fills it (and `browserVersion`, `os`) from the request's `User-Agent` when absent. */
  browser?: string;
  browserVersion?: string;
  os?: string;
  region?: string;
  topology?: string;
}

/** What the SDK dropped since the previous report (bounded queue overflow). */
export interface DroppedCounts {
  samples: number;
  events: number;
}

/** The batch envelope: one POST body. */
export interface ReportBatch {
  v: typeof REPORT_VERSION;
  sdkVersion: string;
  /** Tenant's public ingest key. */
  tenant: string;
  sessionId: string;
  callId: string;
  participantId: string;
  /** Sequence number of this batch within the session, from 0. */
  batchSeq: number;
  /** Client clock when the batch was sent, ms since the Unix epoch. */
  sentAt: number;
  meta: ClientMeta;
  dropped: DroppedCounts;
  /** Recording consent state of the session when the batch was built (`unknown`, `granted`, `withdrawn`). */
  consent?: string;
  /** Share of sessions the app samples (0..1); absent means 1. Divide counts by it to scale up. */
  sampleRate?: number;
  samples: Sample[];
  events: ReportEvent[];
}

// ---- runtime schemas (collector side) --------------------------------------

const Id = Type.String({ minLength: 1, maxLength: REPORT_LIMITS.maxIdLength });
const ShortText = Type.String({ maxLength: 64 });
const Text = Type.String({ maxLength: REPORT_LIMITS.maxTextLength });
const EpochMs = Type.Number({ minimum: 0, maximum: 8.64e15 });
const Count = Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 });
const Finite = Type.Number({ minimum: -1e15, maximum: 1e15 });

function valuesObject(metrics: readonly MetricDefinition[]): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const m of metrics) properties[m.key] = Type.Optional(Finite);
  return Type.Object(properties, { additionalProperties: false });
}

const registry: readonly MetricDefinition[] = METRICS;

const streamProperties: Record<string, TSchema> = {};
for (const stream of STREAM_KEYS) {
  streamProperties[stream] = Type.Optional(
    valuesObject(registry.filter((m) => isStreamMetric(m) && m.streams.includes(stream))),
  );
}

const labelProperties: Record<string, TSchema> = {};
for (const label of SAMPLE_LABELS) labelProperties[label.key] = Type.Optional(ShortText);

export const SampleSchema = Type.Object(
  {
    pc: Id,
    seq: Count,
    ts: EpochMs,
    dur: Type.Number({ minimum: 0, maximum: 3_600_000 }),
    conn: valuesObject(registry.filter(isConnectionMetric)),
    streams: Type.Object(streamProperties, { additionalProperties: false }),
    labels: Type.Object(labelProperties, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const ReportEventSchema = Type.Object(
  {
    pc: Type.Optional(Id),
    ts: EpochMs,
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
    state: Type.Optional(ShortText),
    value: Type.Optional(Finite),
    name: Type.Optional(ShortText),
    stage: Type.Optional(ShortText),
    message: Type.Optional(Text),
  },
  { additionalProperties: false },
);

export const ClientMetaSchema = Type.Object(
  {
    browser: Type.Optional(ShortText),
    browserVersion: Type.Optional(ShortText),
    os: Type.Optional(ShortText),
    region: Type.Optional(ShortText),
    topology: Type.Optional(ShortText),
  },
  { additionalProperties: false },
);

export const ReportBatchSchema = Type.Object(
  {
    v: Type.Literal(REPORT_VERSION),
    sdkVersion: ShortText,
    tenant: Id,
    sessionId: Id,
    callId: Id,
    participantId: Id,
    batchSeq: Count,
    sentAt: EpochMs,
    meta: ClientMetaSchema,
    dropped: Type.Object({ samples: Count, events: Count }, { additionalProperties: false }),
    consent: Type.Optional(Type.Union(CONSENT_STATES.map((c) => Type.Literal(c)))),
    sampleRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    samples: Type.Array(SampleSchema, { maxItems: REPORT_LIMITS.maxSamples }),
    events: Type.Array(ReportEventSchema, { maxItems: REPORT_LIMITS.maxEvents }),
  },
  { additionalProperties: false, $id: 'ReportBatch' },
);
