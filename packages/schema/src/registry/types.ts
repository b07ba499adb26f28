/**
 * Shapes of the metric registry. The registry is plain data: collector
 * instruments, ClickHouse columns, dashboards and alert rules are generated
 * from it, so it must stay free of DOM and Node imports.
 */

/** The four metric families of the observability model. */
export type MetricFamily = 'quality' | 'errors' | 'cost' | 'compliance';

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
  | 'candidate.type';

/** Where a sampled metric lives in a report sample. */
export type StreamKey = 'audio_in' | 'audio_out' | 'video_in' | 'video_out';

/** How an instrument records values in OpenTelemetry. */
export type InstrumentKind = 'histogram' | 'counter';

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

/** A value carried by a lifecycle event (for example a formation time). */
export interface EventMetric extends MetricBase {
  readonly scope: 'event';
  /** The event type whose `value` feeds this metric. */
  readonly event: string;
}

export type MetricDefinition = ConnectionMetric | StreamMetric | EventMetric;

/** A categorical value recorded per sample (a string column, never a metric). */
export interface SampleLabelDefinition {
  readonly key: string;
  readonly description: string;
  /** Known values; anything else the SDK sees is sent as `other`. */
  readonly values: readonly string[];
}
