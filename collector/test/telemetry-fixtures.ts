import { METRICS, isConnectionMetric, isEventMetric, isSessionMetric, isStreamMetric, type MetricDefinition, type ReportBatch } from '@rtcpulse/schema';
import { SESSION_VALUES } from '../src/telemetry/session-values.js';

const registry: readonly MetricDefinition[] = METRICS;

/** Names of the registry metrics a client batch gives at least one value to. */
export function metricsFedBy(batch: ReportBatch): Set<string> {
  const names = new Set<string>();
  for (const sample of batch.samples) {
    const conn: Readonly<Record<string, number | undefined>> = sample.conn;
    for (const m of registry.filter(isConnectionMetric)) if (conn[m.key] !== undefined) names.add(m.name);
    for (const [stream, values] of Object.entries(sample.streams) as [string, Record<string, number | undefined>][]) {
      for (const m of registry.filter(isStreamMetric)) {
        if ((m.streams as readonly string[]).includes(stream) && values[m.key] !== undefined) names.add(m.name);
      }
    }
  }
  for (const event of batch.events) {
    for (const m of registry.filter(isEventMetric)) {
      if (m.event !== event.type) continue;
      const states: readonly string[] | undefined = m.states;
      if (states && !states.includes(event.state ?? '')) continue;
      if (m.instrument === 'histogram' && event.value === undefined) continue;
      names.add(m.name);
    }
  }
  for (const m of registry.filter(isSessionMetric)) if (SESSION_VALUES[m.key]?.()(batch) !== undefined) names.add(m.name);
  return names;
}
