import { CALL_SETUP_SLO, DEGRADED_SESSION_SLO, PLAYBOOK, allRules, type AlertRule, type Duration } from '@rtcpulse/alerts';
import { METRICS, type MetricDefinition } from '@rtcpulse/schema';

/**
 * The alert thresholds the dashboards draw as threshold lines, read from
 * the same source as the rules: the runbook data in `alerts/src/runbook`.
 * Nothing else in `dashboards/` holds a threshold number. Every percentile
 * threshold is checked to sit on a bucket boundary of its registry metric
 * (`histogram_quantile` interpolates inside a bucket).
 */

/** Severity as the playbook assigns it. */
export type Severity = 'page' | 'warn' | 'info';

/** One failure mode of the twelve-entry runbook. */
export interface RunbookEntry {
  /** 1..12, the playbook's order. */
  readonly entry: number;
  /** File name of its runbook page (without `.md`). */
  readonly slug: string;
  readonly title: string;
  readonly severity: Severity;
  /** Ids of the alert rules that catch it. */
  readonly rules: readonly string[];
}

/** A threshold an alert rule fires on. */
export interface AlertThreshold {
  /** The alert rule id (or SLO id). */
  readonly id: string;
  readonly title: string;
  readonly value: number;
  /** Unit of {@link AlertThreshold.value} as the rule states it (ms, %, MOS, ...). */
  readonly unit: string;
  /** The alert fires when the signal is above (or below) the value. */
  readonly direction: 'above' | 'below';
  /** Percentile the rule evaluates, for percentile rules. */
  readonly quantile?: number;
  /** How long the condition must hold, in minutes. */
  readonly forMinutes?: number;
  /** Registry metric (OpenTelemetry name) whose buckets must contain the value. */
  readonly metric?: string;
  /** Runbook entry this threshold belongs to, if any. */
  readonly runbook?: number;
}

const MINUTES: Readonly<Record<Duration, number>> = { '1m': 1, '2m': 2, '5m': 5, '10m': 10, '15m': 15, '30m': 30, '1h': 60, '6h': 360 };

function fromRule(rule: AlertRule, entry: number | undefined): AlertThreshold {
  const quantileForm = rule.prometheus?.kind === 'quantile' ? rule.prometheus : undefined;
  return {
    id: rule.id,
    title: rule.alert,
    value: rule.threshold,
    unit: rule.unit,
    direction: rule.comparator === '>' ? 'above' : 'below',
    forMinutes: MINUTES[rule.for],
    ...(quantileForm ? { quantile: quantileForm.quantile, metric: quantileForm.metric } : {}),
    ...(entry !== undefined ? { runbook: entry } : {}),
  };
}

/** The twelve failure modes, in playbook order, from the alerts' runbook data. */
export const RUNBOOK_ENTRIES: readonly RunbookEntry[] = PLAYBOOK.map((page, i) => ({
  entry: page.entry ?? i + 1,
  slug: page.slug,
  title: page.title,
  severity: page.severity,
  rules: page.rules.map((r) => r.id),
}));

/** SLO objectives as threshold lines (percent of good events; the burn-rate alerts protect them). */
const SLO_LINES: readonly AlertThreshold[] = [
  { id: CALL_SETUP_SLO.id, title: `SLO: ${CALL_SETUP_SLO.name}`, value: Math.round(CALL_SETUP_SLO.objective * 1e6) / 1e4, unit: '%', direction: 'below' },
  { id: DEGRADED_SESSION_SLO.id, title: `SLO: ${DEGRADED_SESSION_SLO.name}`, value: Math.round((1 - DEGRADED_SESSION_SLO.objective) * 1e6) / 1e4, unit: '%', direction: 'above' },
];

/** Every threshold a rule fires on (runbook entries and family rules), plus the SLO lines. */
export const ALERT_THRESHOLDS: readonly AlertThreshold[] = [
  ...allRules().map(({ page, rule }) => fromRule(rule, page.entry)),
  ...SLO_LINES,
];

/** Look a threshold up by id; throws on an unknown id so a typo cannot draw no line. */
export function threshold(id: string): AlertThreshold {
  const found = ALERT_THRESHOLDS.find((t) => t.id === id);
  if (!found) throw new Error(`unknown alert threshold "${id}"`);
  return found;
}

/** Thresholds of one runbook entry. */
export function thresholdsOfEntry(entry: number): AlertThreshold[] {
  return ALERT_THRESHOLDS.filter((t) => t.runbook === entry);
}

/**
 * Thresholds whose registry metric exists but whose value is not one of its
 * bucket boundaries (should be empty; a test asserts it).
 */
export function thresholdsOffBuckets(): AlertThreshold[] {
  const registry: readonly MetricDefinition[] = METRICS;
  return ALERT_THRESHOLDS.filter((t) => {
    if (!t.metric) return false;
    const metric = registry.find((m) => m.name === t.metric);
    return metric !== undefined && !(metric.buckets ?? []).includes(t.value);
  });
}

/**
 * Default base URL of the runbook pages, the same one the alert rules'
 * `runbook_url` uses; dashboards expose it as the `runbook_base` constant
 * (set it to where your team publishes `alerts/generated/runbook`).
 */
export { DEFAULT_RUNBOOK_BASE_URL } from '@rtcpulse/alerts';
