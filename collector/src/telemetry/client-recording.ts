import {
  METRICS,
  STREAM_KEYS,
  describeStream,
  isConnectionMetric,
  isEventMetric,
  isSessionMetric,
  isStreamMetric,
  type EventMetric,
  type MetricDefinition,
  type ReportBatch,
  type ReportEvent,
  type Sample,
  type StreamKey,
} from '@rtcpulse/schema';
import { attributeValue, type RegistryAttributes } from './attributes.js';
import { DEFAULT_OPEN_VALUE_LIMIT, createClientAttributes } from './client-attributes.js';
import { SESSION_VALUES, type SessionValue } from './session-values.js';

/** Records one value of one registry metric (resolved once, see {@link createBatchRecorder}). */
export type BoundRecord = (value: number, attributes: RegistryAttributes) => void;
/** Resolves a registry metric name to its recorder; `undefined` for gauges and unknown names. */
export type ResolveRecord = (metricName: string) => BoundRecord | undefined;

interface Column {
  readonly key: string;
  readonly record: BoundRecord;
}

const registry: readonly MetricDefinition[] = METRICS;

/** State machines whose `failed` state names the failure stage. */
const FAILURE_STAGE: Readonly<Record<string, string>> = {
  'ice.connection.state': 'ice',
  'dtls.state': 'dtls',
  'connection.state': 'connection',
};

/** Client and path combinations whose attribute objects are kept for the next reports. */
const MAX_KNOWN_PATHS = 1024;

/** Attributes shared by a sample's connection values and, with kind and direction, its stream values. */
interface PathAttributes {
  readonly path: RegistryAttributes;
  readonly streams: Map<StreamKey, RegistryAttributes>;
}

function columns(metrics: readonly MetricDefinition[], resolve: ResolveRecord): Column[] {
  const result: Column[] = [];
  for (const metric of metrics) {
    const record = resolve(metric.name);
    if (record) result.push({ key: metric.key, record });
  }
  return result;
}

function pathKey(sample: Sample | undefined): string {
  const labels: Readonly<Record<string, string | undefined>> = sample?.labels ?? {};
  return `${labels.local_candidate_type ?? ''}\u0000${labels.network_type ?? ''}\u0000${labels.relay_protocol ?? ''}`;
}

function pathAttributes(client: RegistryAttributes, sample: Sample | undefined): RegistryAttributes {
  const labels: Readonly<Record<string, string | undefined>> = sample?.labels ?? {};
  return {
    ...client,
    'candidate.type': attributeValue('candidate.type', labels.local_candidate_type),
    'network.type': attributeValue('network.type', labels.network_type),
    'relay.protocol': attributeValue('relay.protocol', labels.relay_protocol),
  };
}

/**
 * Events that name the selected pair's local candidate type themselves
 * (`ice.pair.formed`: `name`, see the registry's `events.ts`). Their
 * `candidate.type` comes from the event, not from a sample of the same
 * batch: the event often travels without one (the end-of-session burst, a
 * call shorter than one batch), or with samples taken before the pair was
 * selected.
 */
const CANDIDATE_TYPE_OF_EVENT: Readonly<Record<string, (event: ReportEvent) => string | undefined>> = {
  'ice.pair.formed': (event) => event.name,
};

function eventAttributes(event: ReportEvent, path: RegistryAttributes): RegistryAttributes {
  const named = CANDIDATE_TYPE_OF_EVENT[event.type];
  return {
    ...path,
    // An older SDK that did not name it: the last sample of the connection in the batch, as before.
    ...(named ? { 'candidate.type': attributeValue('candidate.type', named(event)) ?? path['candidate.type'] } : {}),
    'error.stage': attributeValue('error.stage', event.stage),
    'error.name': attributeValue('error.name', event.name),
    'failure.stage': FAILURE_STAGE[event.type],
    // Outcome-like values travel in `state` (ice.restart) or `name` (session.end reason).
    outcome: attributeValue('outcome', event.state ?? event.name),
    'audit.action': attributeValue('audit.action', event.name ?? event.state),
    complaint: attributeValue('complaint', event.name),
  };
}

/**
 * Build the function that records what one accepted report carries: every
 * sample's connection and stream values (attributes: client meta, the
 * selected candidate type, media kind and direction), and every event that
 * feeds an event metric (a histogram takes the event's `value`, a counter
 * counts the event). Instruments are resolved once per registry column
 * here; the attribute objects of a client and candidate path (and its
 * streams) are built once and reused by later reports from the same kind of
 * client (the recorder may key caches on their identity). Attributes beyond a
 * metric's registry list are dropped by the recorder.
 */
export function createBatchRecorder(resolve: ResolveRecord, openValueLimit = DEFAULT_OPEN_VALUE_LIMIT): (batch: ReportBatch) => void {
  const clientAttributes = createClientAttributes(openValueLimit);
  const connection = columns(registry.filter(isConnectionMetric), resolve);
  const streamMetrics = registry.filter(isStreamMetric);
  const stream = new Map<StreamKey, Column[]>(
    STREAM_KEYS.map((key) => [key, columns(streamMetrics.filter((m) => m.streams.includes(key)), resolve)]),
  );
  const events = new Map<string, { metric: EventMetric; record: BoundRecord }[]>();
  for (const metric of registry.filter(isEventMetric)) {
    const record = resolve(metric.name);
    if (!record) continue;
    const list = events.get(metric.event) ?? [];
    list.push({ metric, record });
    events.set(metric.event, list);
  }
  const sessions: { value: SessionValue; record: BoundRecord }[] = [];
  for (const metric of registry.filter(isSessionMetric)) {
    const derive = SESSION_VALUES[metric.key];
    if (!derive) throw new Error(`registry metric ${metric.name} (scope session) has no derivation in SESSION_VALUES`);
    const record = resolve(metric.name);
    if (record) sessions.push({ value: derive(), record });
  }

  // Attribute objects of recent client and path combinations, shared across reports (bounded).
  const known = new Map<string, PathAttributes>();
  return (batch) => {
    const meta = batch.meta;
    const clientKey = `${meta.region ?? ''}\u0000${meta.browser ?? ''}\u0000${meta.os ?? ''}\u0000${batch.sdkVersion}\u0000${meta.topology ?? ''}`;
    let client: RegistryAttributes | undefined;
    const pathOf = (sample: Sample | undefined): PathAttributes => {
      const key = `${clientKey}\u0000${pathKey(sample)}`;
      let found = known.get(key);
      if (!found) {
        client ??= clientAttributes(meta, batch.sdkVersion);
        found = { path: pathAttributes(client, sample), streams: new Map() };
        if (known.size >= MAX_KNOWN_PATHS) known.clear();
        known.set(key, found);
      }
      return found;
    };
    const lastSampleOfPc = new Map<string, Sample>();
    for (const sample of batch.samples) {
      const { path, streams } = pathOf(sample);
      const conn: Readonly<Record<string, number | undefined>> = sample.conn;
      for (const column of connection) {
        const value = conn[column.key];
        if (value !== undefined) column.record(value, path);
      }
      for (const [key, values] of Object.entries(sample.streams) as [StreamKey, Record<string, number | undefined>][]) {
        const plan = stream.get(key);
        if (!plan) continue;
        let attributes = streams.get(key);
        if (!attributes) {
          const { kind, direction } = describeStream(key);
          attributes = { ...path, 'media.kind': kind, direction };
          streams.set(key, attributes);
        }
        for (const column of plan) {
          const value = values[column.key];
          if (value !== undefined) column.record(value, attributes);
        }
      }
      lastSampleOfPc.set(sample.pc, sample);
    }
    for (const { value, record } of sessions) {
      const v = value(batch);
      if (v !== undefined) record(v, pathOf(undefined).path);
    }
    for (const event of batch.events) {
      const feeds = events.get(event.type);
      if (!feeds) continue;
      const attributes = eventAttributes(event, pathOf(event.pc ? lastSampleOfPc.get(event.pc) : undefined).path);
      for (const { metric, record } of feeds) {
        const states: readonly string[] | undefined = metric.states;
        if (states && !states.includes(event.state ?? '')) continue;
        if (metric.instrument === 'histogram') {
          if (event.value !== undefined) record(event.value, attributes);
        } else {
          record(1, attributes);
        }
      }
    }
  };
}
