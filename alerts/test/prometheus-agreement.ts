import { join } from 'node:path';
import { ruleById, type RuleEvaluation } from '../src/index.js';
import { durationSeconds } from '../src/runbook/durations.js';
import type { Duration } from '../src/runbook/types.js';
import { GENERATED_DIR, readYaml } from './generated-files.js';
import { promtoolTestRules } from './promtool-run.js';
import { regionInputSeries } from './scraped-series.js';

/**
 * Runs the generated Prometheus rules (pull naming path, as Prometheus reads
 * the collector's `/metrics`) in promtool on the series the collector
 * exported, and has promtool assert that each rule's value and alert agree
 * with what its SQL form computed on the same reports.
 *
 * Timeline in promtool: the first scrape after the reports (their series at
 * 0, as the collector first shows a series) at 0m, the next from 1m on. Values and alerts are read at 2m plus the alert's
 * `for`, inside every checked rule's window, so each window holds the whole
 * increase and `rate()` scales all series alike (every one starts at 0 at
 * 0m): ratios of rates are the ratios of what the collector counted. A
 * value agrees when `round((Prometheus − SQL) × 10^digits)` is 0; an alert
 * agrees when promtool sees it firing exactly for the SQL form's firing groups.
 */

/** One rule's SQL evaluation for one tenant and how closely the Prometheus form must agree with it. */
export interface AgreementCheck {
  readonly sql: RuleEvaluation;
  /** Decimal places both values must share: |Prometheus − SQL| < 10^-digits / 2 (vitest's `toBeCloseTo`). */
  readonly digits: number;
}

/** The checks of one tenant, run on the series of its region only (cost rules sum over every series they see). */
export interface TenantChecks {
  readonly tenant: string;
  readonly region: string;
  readonly checks: readonly AgreementCheck[];
}

interface GeneratedAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: Duration;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const PULL = 'prometheus/pull';
const ALERTS: readonly GeneratedAlert[] = readYaml<{ groups: { rules: GeneratedAlert[] }[] }>(`${PULL}/alerts.yml`).groups.flatMap((g) => g.rules);

function generatedAlert(ruleId: string): GeneratedAlert {
  const found = ALERTS.find((a) => a.labels.rule_id === ruleId);
  if (!found) throw new Error(`${PULL}/alerts.yml has no alert with rule_id ${ruleId}`);
  return found;
}

/**
 * The value an alert compares with its threshold, cut from the generated
 * expression: `V > t` gives V; a burn-rate pair `A > t and B > t and C >= n`
 * gives the smaller of A and B in units of the error budget, as the SQL form
 * reports it, where the long window's bad events C reach the floor n (the SQL
 * form has no row below it).
 */
function alertValueExpr(ruleId: string): string {
  const { rule } = ruleById(ruleId);
  const { expr } = generatedAlert(ruleId);
  const form = rule.prometheus;
  if (form?.kind === 'burn-rate') {
    const pair = /^(\S+) > (\S+) and (\S+) > (\S+) and (\S+ >= \S+)$/.exec(expr);
    if (!pair) throw new Error(`${ruleId}: not a burn-rate pair with a floor: ${expr}`);
    const budget = +(1 - form.objective).toFixed(6);
    return `(((${pair[1]} < ${pair[3]} or ${pair[3]}) / ${budget}) and ${pair[5]})`;
  }
  const suffix = ` ${rule.comparator} ${rule.threshold}`;
  if (!expr.endsWith(suffix)) throw new Error(`${ruleId}: "${expr}" does not end with "${suffix}"`);
  return `(${expr.slice(0, -suffix.length)})`;
}

/** Minutes after the reports at which the alert of `ruleId` has held its `for` (the reports arrive at 1m). */
function evalMinutes(ruleId: string): number {
  return 2 + durationSeconds(generatedAlert(ruleId).for) / 60;
}

const checkId = (t: TenantChecks, c: AgreementCheck) => `${t.tenant}/${c.sql.id}`;
const promLabels = (labels: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'tenant'));
const labelsText = (labels: Readonly<Record<string, string>>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
const tagged = (expr: string, id: string) => `label_replace(${expr}, "check", ${JSON.stringify(id)}, "", "")`;
const expand = (text: string, labels: Readonly<Record<string, string>>) => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, n: string) => labels[n] ?? '');

function testGroup(t: TenantChecks, before: string, after: string, diagnose: boolean) {
  const held = Math.max(...t.checks.map((c) => evalMinutes(c.sql.id))) + 1;
  const promql = t.checks.map((c) => {
    const value = alertValueExpr(c.sql.id);
    const eval_time = `${evalMinutes(c.sql.id)}m`;
    const id = checkId(t, c);
    if (diagnose || c.sql.groups.length === 0) return { expr: tagged(value, id), eval_time, exp_samples: [] };
    // A tenant's series are those of its one region, so the rule has one SQL group: its value stands as a number here.
    if (c.sql.groups.length !== 1) throw new Error(`${id}: one SQL group expected, got ${c.sql.groups.length}`);
    const [group] = c.sql.groups;
    const difference = `round((${value} - (${group?.value})) * 1e${c.digits})`;
    return { expr: tagged(difference, id), eval_time, exp_samples: [{ labels: labelsText({ check: id, ...promLabels(group?.labels ?? {}) }), value: 0 }] };
  });
  const alerts = t.checks.map((c) => {
    const generated = generatedAlert(c.sql.id);
    const firing = c.sql.groups.filter((g) => g.firing).map((g) => promLabels(g.labels));
    const exp_alerts = firing.map((labels) => ({
      exp_labels: { ...labels, ...generated.labels },
      exp_annotations: Object.fromEntries(Object.entries(generated.annotations).map(([k, v]) => [k, expand(v, labels)])),
    }));
    return { eval_time: `${evalMinutes(c.sql.id)}m`, alertname: generated.alert, exp_alerts };
  });
  return { interval: '1m', input_series: regionInputSeries(before, after, t.region, held), promql_expr_test: promql, ...(diagnose ? {} : { alert_rule_test: alerts }) };
}

function testFile(t: TenantChecks, before: string, after: string, diagnose: boolean) {
  return {
    rule_files: ['recording.yml', 'alerts.yml'].map((f) => join(GENERATED_DIR, PULL, f)),
    evaluation_interval: '1m',
    tests: [testGroup(t, before, after, diagnose)],
  };
}

/** promtool's failure blocks: each starts with an `expr:` or `alertname:` line. */
function failureBlocks(output: string): string[] {
  return output
    .split(/\n(?=\s+(?:expr|alertname): )/)
    .slice(1)
    .map((b) => b.trim());
}

const blockCheck = (block: string) => /check\\", \\"([^\\"]+)\\"/.exec(block)?.[1];

async function tenantDisagreements(t: TenantChecks, before: string, after: string): Promise<string[]> {
  const { status, output } = await promtoolTestRules(testFile(t, before, after, false));
  if (status === 0) return [];
  const blocks = failureBlocks(output);
  if (blocks.length === 0) return [`${t.tenant}: promtool exited ${status}: ${output}`];
  // A second run expects nothing from each value expression, so promtool prints what Prometheus computed.
  const computed = failureBlocks((await promtoolTestRules(testFile(t, before, after, true))).output);
  return blocks.map((block) => {
    const alertname = /^alertname: (\w+)/.exec(block)?.[1];
    const check = t.checks.find((c) => (alertname ? generatedAlert(c.sql.id).alert === alertname : blockCheck(block) === checkId(t, c)));
    const id = check ? checkId(t, check) : `${t.tenant}/?`;
    const prometheus = computed.find((b) => blockCheck(b) === id)?.match(/got: (.*)/)?.[1] ?? '(none)';
    const sql = JSON.stringify(check?.sql.groups.map((g) => ({ ...g.labels, value: g.value, firing: g.firing })));
    return `${id} ${alertname ? `alert ${alertname}` : 'value'} disagrees: SQL ${sql}, Prometheus ${prometheus}; promtool: ${block.replace(/^expr: "(?:[^"\\]|\\.)*", /, '').replace(/\s+/g, ' ')}`;
  });
}

/**
 * Every disagreement between the Prometheus and SQL forms (empty when all
 * agree), one line each: tenant and rule, value or alert, the SQL groups,
 * what Prometheus computed, and promtool's own report. One promtool run per
 * tenant, so a failure names its tenant.
 */
export async function prometheusDisagreements(tenants: readonly TenantChecks[], before: string, after: string): Promise<string[]> {
  const found: string[] = [];
  for (const t of tenants) found.push(...(await tenantDisagreements(t, before, after)));
  return found;
}
