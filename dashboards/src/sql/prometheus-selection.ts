import { METRICS, prometheusLabelName, type MetricDefinition } from '@rtcpulse/schema';
import type { QualitySignal } from './signals.js';

/** Which series of a signal's histogram a Prometheus panel reads, and how it groups them. */
export interface PrometheusSelection {
  /** Exact label matchers (Prometheus label names). */
  readonly matchers: Readonly<Record<string, string>>;
  /** Grouping labels besides `le`. */
  readonly by: readonly string[];
  /** Grafana legend format. */
  readonly legend: string;
}

/**
 * The series of a quality signal's histogram that its title speaks of: the
 * same streams the ClickHouse panels unfold (inbound only, for "(inbound)"
 * signals), filtered to one media kind when the signal has one ("inbound
 * audio" MOS, video freeze time) and split by media kind when it has both,
 * as the alert rules read them (`{direction="inbound"}`, per media kind).
 * Without these matchers `/metrics`' outbound series of loss, jitter and MOS
 * would be mixed in.
 */
export function prometheusSelection(signal: QualitySignal): PrometheusSelection {
  const registry: readonly MetricDefinition[] = METRICS;
  const metric = registry.find((m) => m.name === signal.metricName);
  if (!metric) throw new Error(`${signal.metricName} is not in the registry`);
  const matchers: Record<string, string> = {};
  const by = [prometheusLabelName('region')];
  const directions = [...new Set(signal.sources.map((s) => s.direction))];
  const direction = directions[0];
  if (metric.attributes.includes('direction') && directions.length === 1 && direction !== undefined) {
    matchers[prometheusLabelName('direction')] = direction;
  }
  const kinds = [...new Set(signal.sources.map((s) => s.mediaKind).filter((k) => k !== 'connection'))];
  const kindLabel = prometheusLabelName('media.kind');
  const kind = kinds[0];
  let split = false;
  if (metric.attributes.includes('media.kind') && kind !== undefined) {
    if (kinds.length === 1) matchers[kindLabel] = kind;
    else {
      by.push(kindLabel);
      split = true;
    }
  }
  return { matchers, by, legend: split ? `{{${by[0]}}} {{${kindLabel}}}` : `{{${by[0]}}}` };
}
