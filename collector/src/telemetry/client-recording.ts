import {
  METRICS,
  describeStream,
  isConnectionMetric,
  isEventMetric,
  isStreamMetric,
  type MetricDefinition,
  type ReportBatch,
  type ReportEvent,
  type Sample,
  type StreamKey,
} from '@rtcpulse/schema';
import type { RegistryAttributes } from './attributes.js';

/** Records one value of a registry metric by name. */
export type RecordFn = (metricName: string, value: number, attributes: RegistryAttributes) => void;

const registry: readonly MetricDefinition[] = METRICS;
const CONNECTION = registry.filter(isConnectionMetric);
const STREAM = registry.filter(isStreamMetric);
const EVENT = registry.filter(isEventMetric);

/** State machines whose `failed` state names the failure stage. */
const FAILURE_STAGE: Readonly<Record<string, string>> = {
  'ice.connection.state': 'ice',
  'dtls.state': 'dtls',
  'connection.state': 'connection',
};

function clientAttributes(batch: ReportBatch): RegistryAttributes {
  return {
    region: batch.meta.region,
    browser: batch.meta.browser,
    os: batch.meta.os,
    'sdk.version': batch.sdkVersion,
    topology: batch.meta.topology,
  };
}

function pathAttributes(sample: Sample | undefined): RegistryAttributes {
  const labels: Readonly<Record<string, string | undefined>> = sample?.labels ?? {};
  return {
    'candidate.type': labels.local_candidate_type,
    'network.type': labels.network_type,
    'relay.protocol': labels.relay_protocol,
  };
}

function recordSample(record: RecordFn, sample: Sample, client: RegistryAttributes): void {
  const path = { ...client, ...pathAttributes(sample) };
  const conn: Readonly<Record<string, number | undefined>> = sample.conn;
  for (const metric of CONNECTION) {
    const value = conn[metric.key];
    if (value !== undefined) record(metric.name, value, path);
  }
  for (const [stream, values] of Object.entries(sample.streams) as [StreamKey, Record<string, number | undefined>][]) {
    const { kind, direction } = describeStream(stream);
    const attributes = { ...path, 'media.kind': kind, direction };
    for (const metric of STREAM) {
      if (!metric.streams.includes(stream)) continue;
      const value = values[metric.key];
      if (value !== undefined) record(metric.name, value, attributes);
    }
  }
}

function eventAttributes(event: ReportEvent, client: RegistryAttributes, lastSample: Sample | undefined): RegistryAttributes {
  return {
    ...client,
    ...pathAttributes(lastSample),
    'error.stage': event.stage,
    'error.name': event.name,
    'failure.stage': FAILURE_STAGE[event.type],
    // Outcome-like values travel in `state` (ice.restart) or `name` (session.end reason).
    outcome: event.state ?? event.name,
    'audit.action': event.name ?? event.state,
    complaint: event.name,
  };
}

/**
 * Record what one accepted report carries: every sample's connection and
 * stream values (attributes: client meta, the selected candidate type,
 * media kind and direction), and every event that feeds an event metric
 * (a histogram takes the event's `value`, a counter counts the event).
 * Attributes beyond a metric's registry list are dropped by its view.
 */
export function recordBatch(record: RecordFn, batch: ReportBatch): void {
  const client = clientAttributes(batch);
  const lastSampleOfPc = new Map<string, Sample>();
  for (const sample of batch.samples) {
    recordSample(record, sample, client);
    lastSampleOfPc.set(sample.pc, sample);
  }
  for (const event of batch.events) {
    for (const metric of EVENT) {
      if (metric.event !== event.type) continue;
      const states: readonly string[] | undefined = metric.states;
      if (states && !states.includes(event.state ?? '')) continue;
      const attributes = eventAttributes(event, client, event.pc ? lastSampleOfPc.get(event.pc) : undefined);
      if (metric.instrument === 'histogram') {
        if (event.value !== undefined) record(metric.name, event.value, attributes);
      } else {
        record(metric.name, 1, attributes);
      }
    }
  }
}
