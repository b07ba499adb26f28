import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { METRICS, RUNBOOK_THRESHOLDS, type MetricDefinition } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { NAMING_PATHS, allRules } from '../src/index.js';
import { prometheusAlerts } from '../src/prometheus/rules.js';
import { GENERATED_DIR, committedFiles, readYaml } from './generated-files.js';

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}
interface TestFile {
  rule_files: string[];
  tests: { input_series: { series: string }[]; alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

/** Where a PromQL expression fails to parse, or `undefined`. */
function parseError(expr: string): string | undefined {
  let error: string | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError && error === undefined) error = `at ${node.from}: "${expr.slice(node.from, node.from + 20)}"`;
    },
  });
  return error;
}

const registry: readonly MetricDefinition[] = METRICS;

describe.each(NAMING_PATHS)('generated Prometheus rules (%s)', (path) => {
  const alerts = readYaml<RuleFile>(`prometheus/${path}/alerts.yml`).groups.flatMap((g) => g.rules);
  const recording = readYaml<RuleFile>(`prometheus/${path}/recording.yml`).groups.flatMap((g) => g.rules);
  const tests = committedFiles()
    .filter((f) => f.startsWith(`prometheus/${path}/tests/`))
    .map((f) => readYaml<TestFile>(f));

  it('every expression parses as PromQL', () => {
    const failures = [...alerts, ...recording].flatMap((r) => {
      const error = parseError(r.expr);
      return error ? [`${r.alert ?? r.record}: ${error}`] : [];
    });
    expect(failures).toEqual([]);
  });

  it('every alert has for, a severity label and summary, description and runbook_url annotations', () => {
    for (const rule of alerts) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['page', 'warn', 'info']).toContain(rule.labels?.severity);
      expect(Object.keys(rule.annotations ?? {}).sort()).toEqual(['description', 'runbook_url', 'summary']);
    }
  });

  it('every alert has a case where it fires and one where it stays silent', () => {
    const cases = tests.flatMap((t) => t.tests.flatMap((g) => g.alert_rule_test));
    for (const rule of alerts) {
      const mine = cases.filter((c) => c.alertname === rule.alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${rule.alert} fires`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${rule.alert} stays silent`).toBe(true);
    }
  });

  it('has promtool cases where a component series never existed and the alert still fires', () => {
    const groups = tests.flatMap((t) => t.tests);
    const firesWithout = (alert: string, absent: string): boolean =>
      groups.some(
        (g) =>
          g.alert_rule_test.some((c) => c.alertname === alert && c.exp_alerts.length > 0) &&
          g.input_series.length > 0 &&
          !g.input_series.some((i) => i.series.startsWith(absent)),
      );
    const storage = 'webrtc_cost_storage_total';
    expect(firesWithout('EgressCostShareHigh', storage)).toBe(true);
    expect(firesWithout('CostPerParticipantHourHigh', storage)).toBe(true);
    expect(firesWithout('RecordingSuccessLow', 'webrtc_recording_jobs_total{outcome="succeeded"')).toBe(true);
    expect(firesWithout('CallSetupErrorBudgetFastBurn', 'webrtc_ice_pair_formation_time')).toBe(true);
  });

  it('records p50, p95 and p99 of every registry histogram', () => {
    const records = new Set(recording.map((r) => r.record));
    const histograms = registry.filter((m) => m.instrument === 'histogram');
    expect(histograms.length).toBeGreaterThan(0);
    for (const metric of histograms) {
      const stem = metric.name.replace(/\./g, '_');
      for (const q of ['p50', 'p95', 'p99']) {
        expect([...records].some((r) => r?.startsWith(`rtcpulse:${stem}`) && r.endsWith(`:${q}_5m`)), `${metric.name} ${q}`).toBe(true);
      }
    }
  });

  it("every runbook_url points at an existing runbook page, at the alert's section", () => {
    for (const rule of alerts) {
      const url = rule.annotations?.runbook_url ?? '';
      const [file, anchor] = url.split('#');
      expect(url.startsWith('alerts/generated/runbook/'), url).toBe(true);
      expect(existsSync(join(GENERATED_DIR, (file ?? '').replace('alerts/generated/', ''))), url).toBe(true);
      expect(anchor, url).toBe(rule.alert?.toLowerCase());
    }
  });
});

describe('thresholds', () => {
  it('every percentile threshold sits on a bucket boundary of its histogram (and not the last one)', () => {
    const { ready } = prometheusAlerts();
    const quantiles = ready.filter((a) => a.form.kind === 'quantile');
    expect(quantiles.length).toBeGreaterThan(5);
    for (const { rule, form } of quantiles) {
      if (form.kind !== 'quantile') continue;
      const buckets = registry.find((m) => m.name === form.metric)?.buckets ?? [];
      const index = buckets.indexOf(rule.threshold);
      expect(index, `${rule.alert}: ${rule.threshold} in ${form.metric} buckets [${buckets.join(', ')}]`).toBeGreaterThanOrEqual(0);
      expect(index, `${rule.alert}: ${rule.threshold} is the last boundary`).toBeLessThan(buckets.length - 1);
    }
  });

  it('agrees with the registry\'s list of runbook thresholds where both name a metric', () => {
    for (const { rule } of allRules()) {
      const form = rule.prometheus;
      if (form?.kind !== 'quantile') continue;
      const listed = RUNBOOK_THRESHOLDS.filter((t) => t.metric === form.metric && t.entry > 0).map((t) => t.value as number);
      if (listed.length > 0) expect(listed, rule.alert).toContain(rule.threshold);
    }
  });
});
