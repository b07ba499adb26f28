/**
 * Shapes of the runbook as data. A page is one entry of the failure-mode
 * playbook (or one family of fleet-level rules); each page owns the rules
 * that catch it. A rule has one threshold and up to two executable forms:
 * PromQL over the OpenTelemetry-exported metrics and SQL over ClickHouse.
 */

import type { CounterExpr, PromtoolCase } from './counter-types.js';
import type { ConfirmStep, SilencePlan } from './page-types.js';

export type { CaseSeries, CounterDifference, CounterExpr, CounterLeast, CounterScaled, CounterSum, PromtoolCase } from './counter-types.js';
export type { ConfirmStep, PanelStep, QueryStep, SilencePlan } from './page-types.js';

/** How loudly a rule calls for attention: `page` wakes someone, `warn` opens a ticket, `info` is for the dashboard. */
export type Severity = 'page' | 'warn' | 'info';

/** Direction of the comparison against the threshold: fire when the value is above (`>`) or below (`<`). */
export type Comparator = '>' | '<';

/** Prometheus range durations used by the rules. */
export type Duration = '1m' | '2m' | '5m' | '10m' | '15m' | '30m' | '1h' | '6h';

/** A registry metric as a PromQL selector: OpenTelemetry name plus label matchers on Prometheus label names. */
export interface MetricSelector {
  /** OpenTelemetry instrument name, looked up in the registry (for example `webrtc.ice.pair_formation_time`). */
  readonly metric: string;
  /** Exact-match label matchers, keyed by Prometheus label name (`media_kind`, not `media.kind`). */
  readonly matchers?: Readonly<Record<string, string>>;
  /** For a histogram: count its observations (`_count`) instead of reading buckets. */
  readonly series?: 'count';
}

/** Text every Prometheus form may carry for the runbook page. */
interface PrometheusFormText {
  /**
   * What the Prometheus form measures, when the exported counters cannot
   * measure exactly what the rule's text and SQL form say (shown on the page).
   */
  readonly measures?: string;
  /** Extra promtool cases beyond the generated fire/silent pair (missing series, edge cases). */
  readonly cases?: readonly PromtoolCase[];
}

/**
 * A percentile of a histogram metric from its buckets over 5 minutes, read
 * from the generated recording rule. The result keeps the metric's standard
 * grouping (`quantileGrouping`): region, plus media kind and direction
 * for per-stream metrics; `matchers` narrow it (e.g. `direction: inbound`).
 */
export interface QuantileForm extends MetricSelector, PrometheusFormText {
  readonly kind: 'quantile';
  /** Quantile in (0, 1), e.g. 0.99. */
  readonly quantile: number;
}

/**
 * Summed rates of some counters over summed rates of others, times `scale`,
 * over `window`. Groups whose denominator is zero give no value (the SQL
 * forms' `percent`/`share` give 0 there). Where numerator or denominator
 * sums several terms, a missing term counts as zero wherever the
 * denominator's series exist (or the `anchor`'s, when given).
 */
export interface RatioForm extends PrometheusFormText {
  readonly kind: 'ratio';
  readonly numerator: readonly CounterExpr[];
  readonly denominator: readonly CounterExpr[];
  /**
   * The counter whose series must exist for the ratio to mean anything; the
   * zero that stands in for a missing term is built from it. Default: the
   * denominator's counters.
   */
  readonly anchor?: MetricSelector;
  /** Multiplier turning the ratio into the threshold's unit (e.g. 100 for percent). */
  readonly scale: number;
  readonly by: readonly string[];
  readonly window: Duration;
}

/**
 * One pair of a multi-window, multi-burn-rate SLO alert: fires when the
 * error-budget burn rate exceeds the rule's threshold over both the long and
 * the short window, and the long window holds at least `minBad` bad events
 * (so one failure on a quiet tenant does not page). The threshold is the
 * burn factor (e.g. 14.4).
 */
export interface BurnRateForm extends PrometheusFormText {
  readonly kind: 'burn-rate';
  /** The SLO this pair belongs to (shared by its fast and slow alerts). */
  readonly slo: string;
  /** Target share of good events, e.g. 0.99. */
  readonly objective: number;
  /** Bad events; missing counters inside it count as zero wherever `total` exists. */
  readonly bad: CounterExpr;
  readonly total: MetricSelector;
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  /** Fewest bad events over `longWindow` for the alert to fire. */
  readonly minBad: number;
}

/** The Prometheus form of a rule. */
export type PrometheusForm = QuantileForm | RatioForm | BurnRateForm;

/**
 * Where the SQL form of a rule runs, the same for every rule of one run:
 * native evaluation substitutes a parameter, Grafana `now()`.
 */
export interface SqlTarget {
  /** SQL expression for the evaluation instant (a `DateTime64(3)`). */
  readonly now: string;
  /** True when the query must keep to one tenant, bound as `{tenant:String}`. */
  readonly oneTenant: boolean;
  /** Prices for the cost rules (the collector's pricing; `DEFAULT_PRICES` when none is given). */
  readonly prices: Prices;
}

/**
 * What a rule's `query` receives: the target plus the rule's own window
 * (its `lookbackSeconds`), so the query never restates it. Build it with
 * `ruleSql(rule, target)`.
 */
export interface SqlContext extends SqlTarget {
  /** The rule's lookback (`lookbackSeconds(rule)`): the main window the query reads (see `inWindow`). */
  readonly lookbackSeconds: number;
}

/** Prices the cost rules apply to usage, as in the collector's pricing config. */
export interface Prices {
  readonly egressPerGb: number;
  readonly turnPerGb: number;
  readonly cpuHour: number;
  readonly ramGbHour: number;
  readonly storageGbMonth: number;
  readonly storageRetentionMonths: number;
}

/** Tables and columns a SQL form reads; missing ones make it "not evaluable" instead of an error. */
export interface SqlRequirements {
  /** Table name to the columns the query reads from it. */
  readonly [table: string]: readonly string[];
}

/**
 * The ClickHouse form of a rule. The query returns one row per alerting
 * group: `tenant`, the label columns, and a numeric `value` compared with
 * the rule's threshold.
 */
export interface SqlForm {
  readonly requires: SqlRequirements;
  /** Label columns besides `tenant`. */
  readonly labels: readonly string[];
  /**
   * How far back the query looks, in seconds: Grafana's relative time range,
   * and the window the query reads as `ctx.lookbackSeconds`. Absent, it is
   * the rule's PromQL window (a ratio's `window`, a burn rate's
   * `longWindow`); a quantile rule, which has none, must set it. Read it
   * with `lookbackSeconds(rule)`.
   */
  readonly lookbackSeconds?: number;
  /** The SQL text; call it through `ruleSql`, which passes the rule's lookback in `ctx`. */
  readonly query: (ctx: SqlContext) => string;
}

/** One alert rule. */
export interface AlertRule {
  /** Stable kebab-case id; also the Grafana rule uid suffix. */
  readonly id: string;
  /** Prometheus `alertname` (UpperCamelCase). */
  readonly alert: string;
  readonly severity: Severity;
  readonly comparator: Comparator;
  /** Fires when `value comparator threshold`; for histogram rules a registry bucket boundary. */
  readonly threshold: number;
  /** Unit of the value and threshold, for people (ms, %, GB per participant-hour, x budget). */
  readonly unit: string;
  /** How long the condition must hold before the alert fires. */
  readonly for: Duration;
  /** One line; may use `{{ $labels.<name> }}`. */
  readonly summary: string;
  /** A few sentences; may use `{{ $labels.<name> }}`. */
  readonly description: string;
  readonly prometheus?: PrometheusForm;
  readonly sql: SqlForm;
  /** Also provision the SQL form as a Grafana-managed rule (per-session or server data; SQL is the natural form). */
  readonly grafana: boolean;
}

/** One runbook page: a playbook entry (numbered) or a family of fleet-level rules. */
export interface RunbookPage {
  /** Playbook entry number 1..12; absent for family pages. */
  readonly entry?: number;
  /** File name stem of the Markdown page. */
  readonly slug: string;
  readonly title: string;
  readonly severity: Severity;
  /** Short area tag (join latency, cost runaway, ...). */
  readonly area: string;
  /** What users feel. */
  readonly symptom: string;
  readonly rootCause: string;
  readonly fix: readonly string[];
  /** The telemetry that catches it. */
  readonly telemetry: string;
  /** Where on-call confirms the page's alerts: panels that exist, or queries to run. */
  readonly confirm: readonly ConfirmStep[];
  /** How to silence its alerts without hiding a real incident. */
  readonly silence: SilencePlan;
  readonly rules: readonly AlertRule[];
}
