import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNBOOK_BASE_URL, RUNBOOK, allRules } from '../src/index.js';
import { GENERATED_DIR, readYaml } from './generated-files.js';
import { generatedAlerts } from './generated-alerts.js';
import { readPage, runbookIndex, runbookPages } from './runbook-page-text.js';

/**
 * What the runbook pages tell on-call must be true of what was generated:
 * every dashboard panel a "How to confirm" step names exists under that
 * title in the generated dashboards, and every alert the generated rule
 * files define (both Prometheus naming paths and the Grafana provisioning
 * file) links to a page that describes it with its real severity and forms.
 * The silencing advice is checked in pages-silencing.test.ts.
 */

const DASHBOARDS_DIR = fileURLToPath(new URL('../../dashboards/generated', import.meta.url));

interface Panel {
  readonly title?: string;
  readonly type?: string;
  readonly panels?: readonly Panel[];
}

/** Dashboard uid → the titles of its panels (rows excluded, collapsed rows' panels included). */
function dashboardPanels(): Map<string, Set<string>> {
  const boards = new Map<string, Set<string>>();
  for (const file of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'))) {
    const board = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as { uid: string; panels?: readonly Panel[] };
    const titles = new Set<string>();
    const walk = (panels: readonly Panel[] = []): void => {
      for (const p of panels) {
        if (p.type !== 'row' && p.title) titles.add(p.title);
        walk(p.panels);
      }
    };
    walk(board.panels);
    boards.set(board.uid, titles);
  }
  return boards;
}

describe('"How to confirm" names what exists', () => {
  const boards = dashboardPanels();

  it('every panel a page names is a panel of that dashboard in dashboards/generated/*.json', () => {
    expect(boards.size).toBeGreaterThan(3);
    const missing = RUNBOOK.flatMap((p) =>
      p.confirm.flatMap((step) => ('panel' in step && !boards.get(step.dashboard)?.has(step.panel) ? [`${p.slug}: ${step.dashboard} / ${step.panel}`] : [])),
    );
    expect(missing).toEqual([]);
  });

  it('every page names at least one panel or query, and its generated page shows each panel by its exact title', () => {
    for (const p of RUNBOOK) {
      expect(p.confirm.length, p.slug).toBeGreaterThan(0);
      const { text } = readPage(`${p.slug}.md`);
      for (const step of p.confirm) if ('panel' in step) expect(text, p.slug).toContain(`panel **${step.panel}**`);
    }
  });
});

describe('pages and generated rule files agree on alert names, severities, forms and runbook links', () => {
  const alerts = generatedAlerts();
  const pages = runbookPages();
  const sectionsOf = (file: string) => pages.find((p) => p.file === file)?.sections.map((s) => s.alert) ?? [];

  it('reads every generated rule file: both Prometheus naming paths and the Grafana-managed rules', () => {
    const files = new Set(alerts.map((a) => a.file));
    expect([...files].sort()).toEqual(['grafana/alert-rules.yml', 'prometheus/otlp/alerts.yml', 'prometheus/pull/alerts.yml']);
    for (const file of files) expect(alerts.filter((a) => a.file === file).length, file).toBeGreaterThan(4);
  });

  it('every generated alert links to an existing page that has a section for it', () => {
    const broken = alerts.flatMap((a) => {
      // `<page>.md#<alert in lower case>`: the anchor of the alert's own section heading.
      const [file = '', anchor] = a.runbookUrl.slice(DEFAULT_RUNBOOK_BASE_URL.length + 1).split('#');
      const ok =
        a.runbookUrl.startsWith(`${DEFAULT_RUNBOOK_BASE_URL}/`) &&
        existsSync(join(GENERATED_DIR, 'runbook', file)) &&
        sectionsOf(file).includes(a.alert) &&
        anchor === a.alert.toLowerCase();
      return ok ? [] : [`${a.file}: ${a.alert} → ${a.runbookUrl}`];
    });
    expect(broken).toEqual([]);
  });

  it('each page section lists exactly the forms generated for its alert, and every form fires with the severity it states', () => {
    const wrong: string[] = [];
    for (const page of pages) {
      for (const section of page.sections) {
        const forms = alerts.filter((a) => a.alert === section.alert);
        const generated = [...new Set(forms.map((a) => a.form))].sort();
        if (generated.join() !== [...section.forms].sort().join()) wrong.push(`${page.file}: ${section.alert} lists ${section.forms.join(', ')}, generated ${generated.join(', ')}`);
        for (const f of forms) if (f.severity !== section.severity) wrong.push(`${page.file}: ${section.alert} is ${section.severity} on the page, ${f.severity} in ${f.file}`);
        if (section.forms.includes('Prometheus') && forms.filter((f) => f.form === 'Prometheus').length !== 2) wrong.push(`${section.alert}: not on both naming paths`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every rule of the runbook has exactly one section, on its own page', () => {
    const sections = pages.flatMap((p) => p.sections.map((s) => `${p.file}#${s.alert}`)).sort();
    expect(sections).toEqual(allRules().map(({ page, rule }) => `${page.slug}.md#${rule.alert}`).sort());
  });

  it('the index lists every page with the severity the page states and the alerts it has sections for', () => {
    const index = runbookIndex();
    expect(index.map((row) => row.file).sort()).toEqual(pages.map((p) => p.file));
    for (const row of index) {
      const page = readPage(row.file);
      expect(row.severity, row.file).toBe(page.severity);
      expect(row.alerts, row.file).toEqual(page.sections.map((s) => s.alert));
    }
  });

  it("each Prometheus alert's section gives its exact pull-path expression, ready to paste", () => {
    const file = readYaml('prometheus/pull/alerts.yml') as { groups: { rules: { alert: string; expr: string; annotations: { runbook_url: string } }[] }[] };
    const wrong: string[] = [];
    let checked = 0;
    for (const rule of file.groups.flatMap((g) => g.rules)) {
      const [file, anchor] = rule.annotations.runbook_url.slice(DEFAULT_RUNBOOK_BASE_URL.length + 1).split('#');
      const page = readPage(file ?? '').text;
      // The link lands on the alert's own section: the anchor of its heading (`### <alert>`).
      if (anchor !== rule.alert.toLowerCase()) wrong.push(`${rule.alert}: anchor #${anchor ?? ''}`);
      const section = page.slice(page.indexOf(`### ${rule.alert}\n`)).split(/\n### |\n## /)[0] ?? '';
      if (!section.includes(`\`\`\`promql\n${rule.expr.trim()}\n\`\`\``)) wrong.push(rule.alert);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    expect(wrong).toEqual([]);
  });
});
