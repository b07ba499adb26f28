/** What a runbook page tells on-call besides its rules: where to confirm and how to silence. */

/** A panel of a generated dashboard to look at. */
export interface PanelStep {
  /** Grafana dashboard uid (see dashboards/). */
  readonly dashboard: string;
  /** The panel's exact title in `dashboards/generated/*.json` (checked by a test). */
  readonly panel: string;
  /** What to look for there. */
  readonly look: string;
}

/** A query on-call runs themselves: SQL against the store or a collector API call. */
export interface QueryStep {
  readonly query: string;
  /** `sql` (ClickHouse; `{tenant:String}` is the one parameter), `http` (a collector API request) or `sh` (a command in the repository). */
  readonly language: 'sql' | 'http' | 'sh';
  /** What the answer shows. */
  readonly look: string;
}

/** One step of "How to confirm". */
export type ConfirmStep = PanelStep | QueryStep;

/**
 * How to silence a page's alerts. The amtool commands on the page are
 * generated from `by` and `duration` for each form of each rule, from the
 * labels that form carries: Prometheus alerts carry their grouping labels,
 * Grafana-managed alerts `tenant` and their SQL label columns.
 */
export interface SilencePlan {
  /** When a silence is acceptable and what to check first; label names in backticks must be in `by`. */
  readonly when: string;
  /** Labels a silence is scoped by (besides `alertname`), e.g. `['tenant']`; empty: the alert as a whole. */
  readonly by: readonly string[];
  /** Longest silence, as amtool's `--duration` (e.g. `2h`, `90d`). */
  readonly duration: string;
  /**
   * A form that lacks a `by` label: `keep` (it cannot be silenced that
   * narrowly; leave it on) or `whole` (silence it with the labels it has,
   * which covers every value of the missing ones).
   */
  readonly lacking: 'keep' | 'whole';
  /** Alerts of the page never to silence, with the reason. */
  readonly never?: Readonly<Record<string, string>>;
}
