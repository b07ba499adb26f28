import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { METRICS, prometheusNames, type MetricDefinition } from '@rtcpulse/schema';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ALERT_THRESHOLDS, CLICKHOUSE_UID, GRID_COLUMNS, PROMETHEUS_UID, collectQueries, generateDashboards, grafanaUnit, threshold, writeDashboards } from '../src/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const boards = generateDashboards();

interface Json {
  [key: string]: unknown;
}
type PanelJson = Json & { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: Json[]; panels?: PanelJson[]; datasource?: { uid?: string } };

function allPanels(board: (typeof boards)[number]): PanelJson[] {
  const top = (board.dashboard.panels ?? []) as unknown as PanelJson[];
  return top.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every datasource ref anywhere in the dashboard JSON. */
function datasourceUids(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => datasourceUids(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'datasource' && value && typeof value === 'object' && 'uid' in value) found.push(String((value as { uid: unknown }).uid));
      else datasourceUids(value, found);
    }
  }
  return found;
}

describe('generated dashboards', () => {
  it('are committed exactly as the generator writes them now', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-dashboards-'));
    try {
      const files = await writeDashboards(dir);
      expect((await readdir(join(ROOT, 'generated'))).sort()).toEqual([...files].sort());
      for (const file of files) {
        expect(await readFile(join(dir, file), 'utf8'), `${file} is stale: run npm run generate -w dashboards`).toBe(await readFile(join(ROOT, 'generated', file), 'utf8'));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('take the runbook pages\' base URL at generation, changing nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-dashboards-'));
    try {
      const url = 'https://runbooks.example.com/rtcpulse';
      const files = await writeDashboards(dir, { runbookBaseUrl: url });
      for (const file of files) {
        const committed = await readFile(join(ROOT, 'generated', file), 'utf8');
        const written = await readFile(join(dir, file), 'utf8');
        expect(written, file).toBe(committed.replaceAll('"query": "alerts/generated/runbook"', `"query": "${url}"`));
      }
      const runbook = JSON.parse(await readFile(join(dir, 'runbook.json'), 'utf8')) as { templating: { list: Array<{ name: string; query: string }> } };
      expect(runbook.templating.list.find((v) => v.name === 'runbook_base')?.query).toBe(url);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('have the seven stable uids, each unique', () => {
    expect(boards.map((b) => b.dashboard.uid)).toEqual([
      'rtcpulse-overview',
      'rtcpulse-quality',
      'rtcpulse-errors',
      'rtcpulse-cost',
      'rtcpulse-compliance',
      'rtcpulse-runbook',
      'rtcpulse-session',
    ]);
  });

  it.each(boards.map((b) => [b.dashboard.uid, b] as const))('%s: unique panel ids, every target has a refId, unique per panel', (_uid, board) => {
    const panels = allPanels(board);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      const refIds = (panel.targets ?? []).map((t) => t.refId);
      for (const refId of refIds) expect(typeof refId === 'string' && refId.length > 0, `${panel.title}`).toBe(true);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  it.each(boards.map((b) => [b.dashboard.uid, b] as const))('%s: grid positions stay within 24 columns and never overlap', (_uid, board) => {
    const panels = (board.dashboard.panels ?? []) as unknown as PanelJson[];
    for (const p of panels) {
      expect(p.gridPos.x).toBeGreaterThanOrEqual(0);
      expect(p.gridPos.w).toBeGreaterThan(0);
      expect(p.gridPos.h).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(GRID_COLUMNS);
    }
    for (let i = 0; i < panels.length; i++) {
      for (let j = i + 1; j < panels.length; j++) {
        const a = panels[i]!.gridPos;
        const b = panels[j]!.gridPos;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${panels[i]!.title} overlaps ${panels[j]!.title}`).toBe(false);
      }
    }
  });

  it.each(boards.map((b) => [b.dashboard.uid, b] as const))('%s: every datasource ref is a provisioned uid or a data source variable', (_uid, board) => {
    const variables = new Set((board.dashboard.templating?.list ?? []).filter((v) => v.type === 'datasource').map((v) => `\${${v.name}}`));
    for (const uid of datasourceUids(board.dashboard)) expect([CLICKHOUSE_UID, PROMETHEUS_UID, ...variables]).toContain(uid);
  });

  it.each(boards.map((b) => [b.dashboard.uid, b] as const))('%s: legends on and units set on every time series', (_uid, board) => {
    for (const panel of allPanels(board).filter((p) => p.type === 'timeseries')) {
      const options = panel.options as { legend?: { showLegend?: boolean } };
      const unit = (panel.fieldConfig as { defaults?: { unit?: string } }).defaults?.unit;
      expect(options.legend?.showLegend, panel.title).toBe(true);
      expect(unit, panel.title).toBeTruthy();
    }
  });

  it('link sessions to the drill-down from the other dashboards', () => {
    const text = JSON.stringify(boards.filter((b) => b.dashboard.uid !== 'rtcpulse-session').map((b) => b.dashboard));
    expect(text).toContain('/d/rtcpulse-session/rtcpulse-session-drill-down?var-session=${__data.fields.session_id}');
    const session = boards.find((b) => b.dashboard.uid === 'rtcpulse-session')!;
    expect(session.dashboard.templating?.list?.map((v) => v.name)).toEqual(['datasource', 'tenant', 'session', 'pc']);
    expect(session.dashboard.annotations?.list?.some((a) => a.name === 'State changes')).toBe(true);
  });

  it('every ClickHouse query was built through the catalog and declares what it reads', () => {
    for (const board of boards) {
      for (const query of collectQueries(board)) expect(Object.keys(query.needs.tables).length, query.where).toBeGreaterThan(0);
    }
  });

  it('every PromQL expression parses', () => {
    const exprs = boards.flatMap((b) => allPanels(b).flatMap((p) => (p.targets ?? []).filter((t) => typeof t.expr === 'string').map((t) => String(t.expr))));
    expect(exprs.length).toBeGreaterThan(0);
    for (const expr of exprs) {
      const tree = parser.parse(expr);
      let error = false;
      tree.iterate({ enter: (node) => void (node.type.isError && (error = true)) });
      expect(error, expr).toBe(false);
    }
  });

  it('every metric a PromQL panel reads is a registry metric, under the name /metrics gives it', () => {
    const registry: readonly MetricDefinition[] = METRICS;
    const families = registry.map((m) => prometheusNames(m, 'pull').family);
    const known = new Set(families.flatMap((f) => [f, `${f}_bucket`, `${f}_sum`, `${f}_count`]));
    const exprs = boards.flatMap((b) => allPanels(b).flatMap((p) => (p.targets ?? []).map((t) => String(t.expr ?? ''))));
    const names = new Set(exprs.flatMap((e) => e.match(/\b(?:webrtc|rtcpulse)_[a-z0-9_]+/g) ?? []));
    expect([...names].filter((n) => n.startsWith('rtcpulse_collector_'))).toHaveLength(5);
    for (const name of names) expect(known.has(name), name).toBe(true);
  });

  it('draws the alert rules\' own thresholds', () => {
    const quality = boards.find((b) => b.dashboard.uid === 'rtcpulse-quality')!;
    const steps = allPanels(quality)
      .filter((p) => p.title.startsWith('Packet loss (inbound) — p50'))
      .map((p) => (p.fieldConfig as { defaults: { thresholds: { steps: { value: number | null }[] } } }).defaults.thresholds.steps);
    expect(steps).toEqual([[{ value: null, color: 'green' }, { value: threshold('packet-loss-p95').value, color: 'red' }]]);
    expect(ALERT_THRESHOLDS.map((t) => t.id)).toEqual(expect.arrayContaining(['ice-pair-formation-p99', 'call-setup', 'degraded-sessions']));
  });

  it('has a Grafana unit for every registry unit', () => {
    const registry: readonly MetricDefinition[] = METRICS;
    for (const metric of registry) expect(() => grafanaUnit(metric.unit), metric.name).not.toThrow();
    expect(grafanaUnit('ms')).toBe('ms');
    expect(grafanaUnit('kbit/s')).toBe('Kbits');
    expect(grafanaUnit('{packet}')).toBe('short');
  });
});

describe('provisioning', () => {
  it('provisions both data sources with the fixed uids and a file provider', async () => {
    const ds = parseYaml(await readFile(join(ROOT, 'provisioning/datasources/rtcpulse.yml'), 'utf8')) as { apiVersion: number; datasources: { uid: string; type: string }[] };
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources.map((d) => [d.uid, d.type])).toEqual([
      [CLICKHOUSE_UID, 'grafana-clickhouse-datasource'],
      [PROMETHEUS_UID, 'prometheus'],
    ]);
    const providers = parseYaml(await readFile(join(ROOT, 'provisioning/dashboards/rtcpulse.yml'), 'utf8')) as { providers: { type: string; options: { path: string } }[] };
    expect(providers.providers[0]?.type).toBe('file');
  });
});
