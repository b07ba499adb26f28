import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RUNBOOK, allRules } from '../src/index.js';
import { GENERATED_DIR, committedFiles, readYaml } from './generated-files.js';

/**
 * What the runbook pages tell on-call must be true: every dashboard panel a
 * "How to confirm" step names exists under that title in the generated
 * dashboards, and every amtool silence matches on labels its alerts
 * actually carry, with the scope and the duration the page's advice gives.
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

function page(slug: string): string {
  return readFileSync(join(GENERATED_DIR, 'runbook', `${slug}.md`), 'utf8');
}

/** The `amtool silence add` lines of a page, as alertname, other label names and duration. */
function silences(slug: string): { alert: string; labels: string[]; duration: string }[] {
  return [...page(slug).matchAll(/^amtool silence add alertname=(\w+)((?: \w+=<\w+>)*) --duration=(\w+)/gm)].map((m) => ({
    alert: m[1] ?? '',
    labels: [...(m[2] ?? '').matchAll(/ (\w+)=/g)].map((l) => l[1] ?? ''),
    duration: m[3] ?? '',
  }));
}

interface TestFile {
  tests: { alert_rule_test: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[] }[];
}

/** Labels each Prometheus alert fires with, as promtool sees them (both naming paths). */
function prometheusLabels(): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const file of committedFiles().filter((f) => f.includes('/tests/'))) {
    for (const test of readYaml<TestFile>(file).tests.flatMap((t) => t.alert_rule_test)) {
      const set = labels.get(test.alertname) ?? new Set(['alertname']);
      for (const alert of test.exp_alerts) for (const name of Object.keys(alert.exp_labels)) set.add(name);
      labels.set(test.alertname, set);
    }
  }
  return labels;
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
      for (const step of p.confirm) if ('panel' in step) expect(page(p.slug), p.slug).toContain(`panel **${step.panel}**`);
    }
  });
});

describe('silencing advice matches the commands and the labels the alerts carry', () => {
  const promLabels = prometheusLabels();
  const rules = new Map(allRules().map(({ rule }) => [rule.alert, rule]));

  /** Labels an alert carries in some form: Prometheus as promtool fires it, Grafana-managed as its SQL columns. */
  const carried = (alert: string): Set<string> => {
    const rule = rules.get(alert);
    const grafana = rule?.grafana ? ['alertname', 'severity', 'rule_id', 'tenant', ...rule.sql.labels] : [];
    return new Set([...(promLabels.get(alert) ?? []), ...grafana]);
  };

  it('no Prometheus alert carries a tenant label (so only Grafana-managed forms can be silenced per tenant)', () => {
    expect(promLabels.size).toBeGreaterThan(10);
    for (const [alert, labels] of promLabels) expect(labels.has('tenant'), alert).toBe(false);
  });

  it('every amtool silence matches only labels its alert carries, scoped and timed as the page says', () => {
    for (const p of RUNBOOK) {
      for (const s of silences(p.slug)) {
        expect([...s.labels].filter((l) => !carried(s.alert).has(l)), `${p.slug}: ${s.alert}`).toEqual([]);
        expect(s.labels.every((l) => p.silence.by.includes(l)), `${p.slug}: ${s.alert}`).toBe(true);
        expect(s.duration, p.slug).toBe(p.silence.duration);
      }
    }
  });

  it('every rule of a page is either silenced by the page\'s labels, explicitly left on, or marked never to silence', () => {
    for (const p of RUNBOOK) {
      const text = page(p.slug);
      const commands = silences(p.slug);
      for (const rule of p.rules) {
        if (p.silence.never?.[rule.alert]) {
          expect(text).toContain(`# ${rule.alert}: never silence it`);
          expect(commands.some((c) => c.alert === rule.alert), rule.alert).toBe(false);
          continue;
        }
        const scoped = commands.some((c) => c.alert === rule.alert && p.silence.by.every((l) => c.labels.includes(l)));
        const explained = p.silence.by.some((l) => text.includes(`# ${rule.alert} (`) && text.includes(`carries no \`${l}\` label`));
        expect(scoped || explained, `${p.slug}: ${rule.alert}`).toBe(true);
      }
    }
  });

  it('the advice names only the labels it scopes by and leaves durations to the commands', () => {
    const labelNames = new Set([...promLabels.values()].flatMap((s) => [...s]).concat('tenant'));
    for (const p of RUNBOOK) {
      const named = [...p.silence.when.matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '').filter((n) => labelNames.has(n));
      expect(named.filter((n) => !p.silence.by.includes(n)), p.slug).toEqual([]);
      expect(p.silence.when, p.slug).not.toMatch(/\b(quarter|hours?|days?|weeks?|months?|years?)\b|\b\d+\s*[hdm]\b/);
    }
  });

  it('keeps the reviewed cases right: entry 5 silences per tenant only, entry 8 for a quarter', () => {
    expect(silences('05-recording-integrity')).toEqual([{ alert: 'RecordingSuccessLow', labels: ['tenant'], duration: '4h' }]);
    expect(page('05-recording-integrity')).toContain('RecordingSuccessLow (Prometheus form) carries no `tenant` label');
    expect(silences('08-egress-dominates-cost').map((s) => s.duration)).toEqual(['90d', '90d']);
  });
});
