/**
 * Shapes of the metric registry. The registry is plain data: collector
 * instruments, ClickHouse columns, dashboards and alert rules are generated
 * from it, so it must stay free of DOM and Node imports.
 */

/** The four metric families of the observability model. */
export type MetricFamily = 'quality' | 'errors' | 'cost' | 'compliance' | 'collector';

/**
 * Attributes a metric may carry once it leaves the collector. The set is
 * closed and every member has bounded cardinality: session, call and user
 * identifiers are never metric attributes.
 */
export type MetricAttribute =
  | 'region'
  | 'browser'
  | 'os'
  | 'sdk.version'
  | 'topology'
  | 'media.kind'
  | 'direction'
  | 'candidate.type'
  | 'network.type'
  | 'relay.protocol'
  /** Simulcast or SVC layer (rid such as q/h/f, or a spatial layer index). */
  | 'layer'
  /** Where an error happened: getUserMedia, createOffer, setRemoteDescription, ... */
  | 'error.stage'
  /** DOMException name or failure reason, from a closed list. */
  | 'error.name'
  /** Which state machine failed: ice, dtls, connection. */
  | 'failure.stage'
  | 'audit.action'
  | 'outcome'
  /** Post-call feedback tag from a closed list. */
  | 'complaint'
  /** Server-side component kind: sfu, turn, recorder. */
  | 'service'
  /** A configured tenant id (bounded by the tenants file); only on metrics the collector computes per tenant. */
  | 'tenant';

/** Where a sampled metric lives in a report sample. */
export type StreamKey = 'audio_in' | 'audio_out' | 'video_in' | 'video_out';

/**
 * How an instrument records values in OpenTelemetry. A `gauge` is a level
 * sampled at a point in time (active allocations, memory in use); the
 * collector sums the latest value of every live server node.
 */
export type InstrumentKind = 'histogram' | 'counter' | 'gauge';

/**
 * How per-stream values combine when a peer connection carries several
 * streams of the same kind and direction (for example many inbound videos
 * from an SFU).
 */
export type StreamAggregation = 'sum' | 'max' | 'min' | 'mean' | 'ratio';

interface MetricBase {
  /** Column and wire key, snake_case, unit-suffixed where a unit applies. */
  readonly key: string;
  /** OpenTelemetry instrument name: lowercase, dot-separated, no unit. */
  readonly name: string;
  /** UCUM unit, as OpenTelemetry expects in the instrument's `unit`. */
  readonly unit: string;
  readonly family: MetricFamily;
  readonly description: string;
  readonly instrument: InstrumentKind;
  /** Explicit histogram bucket boundaries; every alert threshold is one of them. */
  readonly buckets?: readonly number[];
  readonly attributes: readonly MetricAttribute[];
}

/** A value computed once per sample interval for the whole peer connection. */
export interface ConnectionMetric extends MetricBase {
  readonly scope: 'connection';
}

/** A value computed once per sample interval per kind and direction of media. */
export interface StreamMetric extends MetricBase {
  readonly scope: 'stream';
  readonly streams: readonly StreamKey[];
  readonly aggregation: StreamAggregation;
}

/**
 * A value carried by a client event (for example a formation time), or a
 * count of events (`instrument: 'counter'` without a value: each event adds 1).
 */
export interface EventMetric extends MetricBase {
  readonly scope: 'event';
  /** The event type that feeds this metric. */
  readonly event: string;
  /** Only events whose `state` is one of these count (for example `failed`). */
  readonly states?: readonly string[];
}

/**
 * A value the collector derives for a session from each batch of it that
 * arrives (for example the time the batch covers); the derivation lives
 * in the collector's telemetry, by key.
 */
export interface SessionMetric extends MetricBase {
  readonly scope: 'session';
}

/** A value reported by a server-side component through the server events API. */
export interface ServerMetric extends MetricBase {
  readonly scope: 'server';
  /** Who reports it; `node` is any server's CPU and memory, `cost` is derived by the collector. */
  readonly source: 'sfu' | 'turn' | 'recorder' | 'node' | 'cost';
}

/**
 * A value each collector process records itself: about the collector (what
 * it answered, how full its spool is), or computed from the store now and
 * then (audit completeness, the same on every instance: read it with `max`).
 * On `/metrics` every instance is its own scrape target; over OTLP its
 * resource (`service.instance.id`) tells instances apart.
 */
export interface CollectorMetric extends MetricBase {
  readonly scope: 'collector';
}

export type MetricDefinition = ConnectionMetric | StreamMetric | EventMetric | SessionMetric | ServerMetric | CollectorMetric;

/** A categorical value recorded per sample (a string column, never a metric). */
export interface SampleLabelDefinition {
  readonly key: string;
  readonly description: string;
  /** Known values; anything else the SDK sees is sent as `other`. */
  readonly values: readonly string[];
}
