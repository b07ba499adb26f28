import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules, CLICKHOUSE_DATASOURCE_UID } from '../src/index.js';
import type { GrafanaAlertingFile } from '../src/grafana/provisioning.js';
import { GENERATED_DIR, readYaml } from './generated-files.js';

const file = readYaml<GrafanaAlertingFile>('grafana/alert-rules.yml');
const rules = file.groups.flatMap((g) => g.rules);

describe('Grafana-managed alert rules (provisioning file)', () => {
  it('has the provisioning shape: apiVersion 1, groups with orgId, name, folder, interval', () => {
    expect(file.apiVersion).toBe(1);
    expect(file.groups.length).toBeGreaterThan(0);
    for (const g of file.groups) {
      expect(Object.keys(g).sort()).toEqual(['folder', 'interval', 'name', 'orgId', 'rules']);
      expect(g.orgId).toBe(1);
      expect(g.interval).toMatch(/^\d+[smh]$/);
    }
  });

  it('holds every rule flagged for Grafana, including the per-session and server-data ones', () => {
    const expected = allRules().filter((r) => r.rule.grafana).map((r) => `rtcpulse-${r.rule.id}`);
    expect(rules.map((r) => r.uid).sort()).toEqual(expected.sort());
    for (const uid of ['rtcpulse-failed-after-online', 'rtcpulse-turn-allocations-vs-sessions', 'rtcpulse-recording-success-low']) {
      expect(rules.map((r) => r.uid)).toContain(uid);
    }
  });

  it('gives each rule a ClickHouse SQL query, a reduce and a threshold, with the condition on the threshold', () => {
    for (const rule of rules) {
      expect(Object.keys(rule).sort()).toEqual(
        ['annotations', 'condition', 'data', 'execErrState', 'for', 'labels', 'noDataState', 'title', 'uid'].sort(),
      );
      const [query, reduce, threshold] = rule.data;
      expect(query?.datasourceUid).toBe(CLICKHOUSE_DATASOURCE_UID);
      expect(query?.model).toMatchObject({ refId: 'A', editorType: 'sql', format: 0, queryType: 'timeseries' });
      expect(String(query?.model.rawSql)).toMatch(/^SELECT now\(\) AS time, tenant/);
      expect(query?.relativeTimeRange.from).toBeGreaterThan(0);
      expect(reduce?.model).toMatchObject({ type: 'reduce', expression: 'A' });
      expect(threshold?.model).toMatchObject({ type: 'threshold', expression: 'B' });
      expect(rule.condition).toBe('C');
      expect(['page', 'warn', 'info']).toContain(rule.labels.severity);
      const [file, anchor] = String(rule.annotations.runbook_url).replace('alerts/generated/', '').split('#');
      expect(existsSync(join(GENERATED_DIR, file ?? ''))).toBe(true);
      expect(anchor).toBe(rule.title.toLowerCase());
    }
  });

  it('contains no bare $ anywhere (provisioning would expand it as an environment variable)', () => {
    expect(JSON.stringify(file)).not.toContain('$');
  });
});
