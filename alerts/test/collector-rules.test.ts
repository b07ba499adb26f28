import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, prometheusNames, type MetricDefinition } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNBOOK_BASE_URL, NAMING_PATHS } from '../src/index.js';
import { GENERATED_DIR, readYaml } from './generated-files.js';
import { COLLECTOR_PAGE } from './runbook-page-text.js';

interface RuleFile {
  groups: { name: string; rules: { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[];
}

const registry: readonly MetricDefinition[] = METRICS;
const page = readFileSync(join(GENERATED_DIR, 'runbook', COLLECTOR_PAGE), 'utf8');

/**
 * The collector's own alerts (spool, shed reports, ClickHouse): generated
 * from the registry's collector metrics on both naming paths, each with a
 * section on its page; promtool's cases for them run in promtool.test.ts.
 */
describe.each(NAMING_PATHS)('collector alerts on the %s path', (path) => {
  const rules = readYaml<RuleFile>(`prometheus/${path}/collector.yml`).groups.flatMap((g) => g.rules);
  const collectorFamilies = registry.filter((m) => m.scope === 'collector').map((m) => prometheusNames(m, path).family);

  it('read only collector metrics, under their names on this path (but the overflow alert)', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'CollectorSpoolFilling', 'CollectorSheddingReports', 'CollectorRecordsSetAside', 'CollectorClickHouseDown', 'CollectorMetricOverflow',
    ]);
    // The overflow alert reads any metric by the label the OpenTelemetry SDK gives its overflow series.
    const scope = path === 'pull' ? ',otel_scope_name="rtcpulse-collector"' : '';
    expect(rules.at(-1)?.expr).toBe(`count by (instance) ({otel_metric_overflow="true"${scope}}) > 0`);
    for (const rule of rules.slice(0, -1)) {
      const names = rule.expr.match(/\brtcpulse_[a-z_]+/g) ?? [];
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(collectorFamilies, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it("link to their own section of the collector page (the heading's anchor), which gives each pull-path expression", () => {
    for (const rule of rules) {
      expect(rule.annotations.runbook_url).toBe(`${DEFAULT_RUNBOOK_BASE_URL}/${COLLECTOR_PAGE}#${rule.alert.toLowerCase()}`);
      expect(page).toContain(`\n## ${rule.alert}\n\nSeverity ${rule.labels.severity}, for ${rule.for}.`);
      const section = page.slice(page.indexOf(`## ${rule.alert}\n`)).split('\n## ')[0] ?? '';
      expect(section, rule.alert).toContain('**What to do:**');
      if (path === 'pull') expect(section, rule.alert).toContain(`\`\`\`promql\n${rule.expr}\n\`\`\``);
    }
  });
});

describe('the runbook index', () => {
  it('links the collector page', () => {
    expect(readFileSync(join(GENERATED_DIR, 'runbook', 'README.md'), 'utf8')).toContain(`(${COLLECTOR_PAGE})`);
  });
});
