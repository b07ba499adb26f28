import { allRules, type PagedRule } from '../runbook/index.js';
import { DEFAULT_PRICES } from '../runbook/prices.js';
import { ruleSql } from '../runbook/sql.js';
import type { AlertRule, Prices, SqlTarget } from '../runbook/types.js';
import { runbookUrl } from '../prometheus/rules.js';
import { DEFAULT_RUNBOOK_BASE_URL } from '../generate/outputs.js';
import { missingRequirements, readSchema, type SqlRunner } from './schema.js';

/** One alerting group's current value. */
export interface GroupValue {
  /** `tenant` and the rule's label columns. */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly firing: boolean;
}

/** What one rule says now. */
export interface RuleEvaluation {
  readonly id: string;
  readonly alert: string;
  readonly severity: AlertRule['severity'];
  /** `value comparator threshold unit`, for people. */
  readonly condition: string;
  /**
   * How long the condition must hold before the generated Prometheus and
   * Grafana rules fire (`for`). This evaluation is of one instant: `firing`
   * says the condition holds now, not that it has held that long.
   */
  readonly for: string;
  readonly runbookUrl: string;
  /** `firing`: at least one group crosses the threshold; `not-evaluable`: a table or column is missing. */
  readonly status: 'firing' | 'ok' | 'not-evaluable' | 'error';
  /** Why not evaluable, or the query error. */
  readonly reason?: string;
  readonly groups: readonly GroupValue[];
}

/** Options of {@link evaluateRules}. */
export interface EvaluateOptions {
  /** Keep to one tenant (bound as a query parameter). */
  readonly tenant?: string;
  /** Evaluation instant (default: now). */
  readonly now?: Date;
  readonly prices?: Prices;
  readonly runbookBaseUrl?: string;
  /** Rules to run (default: all). */
  readonly rules?: readonly PagedRule[];
}

/** `YYYY-MM-DD hh:mm:ss.sss` in UTC, as ClickHouse reads a `DateTime64(3)` parameter. */
function dateTime64(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function crosses(rule: AlertRule, value: number): boolean {
  return rule.comparator === '>' ? value > rule.threshold : value < rule.threshold;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.slice(0, 300) ?? text;
}

/**
 * Run the ClickHouse form of every rule against the store and say which
 * would fire now, with each group's value. A rule whose tables or columns
 * do not exist yet is reported `not-evaluable`; a failing query is
 * reported `error`; neither stops the others.
 */
export async function evaluateRules(run: SqlRunner, options: EvaluateOptions = {}): Promise<RuleEvaluation[]> {
  const schema = await readSchema(run);
  const target: SqlTarget = { now: '{now:DateTime64(3)}', oneTenant: options.tenant !== undefined, prices: options.prices ?? DEFAULT_PRICES };
  const params: Record<string, unknown> = { now: dateTime64(options.now ?? new Date()), ...(options.tenant !== undefined ? { tenant: options.tenant } : {}) };
  const results: RuleEvaluation[] = [];
  for (const { rule, page } of options.rules ?? allRules()) {
    const base = {
      id: rule.id,
      alert: rule.alert,
      severity: rule.severity,
      condition: `value ${rule.comparator} ${rule.threshold} ${rule.unit}`,
      for: rule.for,
      runbookUrl: runbookUrl(page, options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL, rule.alert),
    };
    const missing = missingRequirements(schema, rule.sql.requires);
    if (missing.length > 0) {
      results.push({ ...base, status: 'not-evaluable', reason: `missing: ${missing.join(', ')}`, groups: [] });
      continue;
    }
    try {
      const rows = await run(ruleSql(rule, target), params);
      const groups = rows.map((row) => {
        const labels: Record<string, string> = {};
        for (const name of ['tenant', ...rule.sql.labels]) labels[name] = String(row[name] ?? '');
        const value = Number(row.value);
        return { labels, value, firing: Number.isFinite(value) && crosses(rule, value) };
      });
      results.push({ ...base, status: groups.some((g) => g.firing) ? 'firing' : 'ok', groups });
    } catch (error) {
      results.push({ ...base, status: 'error', reason: errorText(error), groups: [] });
    }
  }
  return results;
}
