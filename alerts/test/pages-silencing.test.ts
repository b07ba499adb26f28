import { describe, expect, it } from 'vitest';
import { RUNBOOK } from '../src/index.js';
import { generatedAlerts, type GeneratedAlert } from './generated-alerts.js';
import { readPage, runbookPages, type SilenceCommand } from './runbook-page-text.js';

/**
 * The "Silencing safely" advice of every runbook page against the alerts as
 * generated (alerts/generated/prometheus/{otlp,pull}/alerts.yml and
 * grafana/alert-rules.yml): an amtool silence only matches an alert that
 * carries every label it matches on, so each command must match some form
 * of its alert, every form must be silenced or said to be left on, and what
 * the comments say a form lacks must be what it lacks.
 */

const alerts = generatedAlerts();
const pages = runbookPages();
const formsOf = (alert: string): GeneratedAlert[] => alerts.filter((a) => a.alert === alert);
const matches = (command: SilenceCommand, form: GeneratedAlert) => command.labels.every((l) => form.labels.has(l));

describe('silencing advice matches the labels the generated alerts carry', () => {
  it('no Prometheus alert carries a tenant label (so only Grafana-managed forms can be silenced per tenant)', () => {
    const prometheus = alerts.filter((a) => a.form === 'Prometheus');
    expect(prometheus.length).toBeGreaterThan(10);
    expect(prometheus.filter((a) => a.labels.has('tenant')).map((a) => a.alert)).toEqual([]);
    expect(prometheus.filter((a) => a.labels.has('region')).length).toBeGreaterThan(5);
  });

  it('every amtool silence matches some generated form of its alert (each of its matchers is a label that form carries)', () => {
    const silences = pages.flatMap((p) => p.silences.map((s) => ({ page: p.file, ...s })));
    expect(silences.length).toBeGreaterThan(20);
    const dead = silences.filter((s) => !formsOf(s.alert).some((f) => matches(s, f)));
    expect(dead).toEqual([]);
  });

  it('every generated form of every alert is silenced by a command it matches, or the page says to leave it on or never to silence it', () => {
    const uncovered: string[] = [];
    for (const page of pages) {
      for (const { alert } of page.sections) {
        const commands = page.silences.filter((s) => s.alert === alert);
        if (page.never.includes(alert)) {
          if (commands.length > 0) uncovered.push(`${page.file}: ${alert} is never to be silenced but has a command`);
          continue;
        }
        for (const form of formsOf(alert)) {
          const leftOn = page.lacking.some((c) => c.alert === alert && c.form === form.form && c.outcome === 'left on');
          if (!leftOn && !commands.some((s) => matches(s, form))) uncovered.push(`${page.file}: ${alert} (${form.form}, ${form.file})`);
        }
      }
    }
    expect(uncovered).toEqual([]);
  });

  it('a form the page says lacks a label lacks it, and a wider silence for it leaves that label out', () => {
    const comments = pages.flatMap((p) => p.lacking.map((c) => ({ page: p, ...c })));
    expect(comments.length).toBeGreaterThan(5);
    for (const { page, alert, form, labels, outcome } of comments) {
      const forms = formsOf(alert).filter((f) => f.form === form);
      expect(forms.length, `${page.file}: ${alert} has no ${form} form`).toBeGreaterThan(0);
      for (const f of forms) expect(labels.filter((l) => f.labels.has(l)), `${page.file}: ${alert} (${f.file})`).toEqual([]);
      if (outcome === 'covers every') {
        const wide = page.silences.filter((s) => s.alert === alert && forms.every((f) => matches(s, f)));
        expect(wide.length, `${page.file}: ${alert}`).toBeGreaterThan(0);
      }
    }
  });

  it('an alert with no generated form is said to be evaluated natively only and gets no command', () => {
    for (const page of pages) {
      for (const { alert } of page.sections) {
        const native = page.nativeOnly.includes(alert);
        expect(native, `${page.file}: ${alert}`).toBe(formsOf(alert).length === 0);
        if (native) expect(page.silences.filter((s) => s.alert === alert), alert).toEqual([]);
      }
    }
  });

  it('commands are scoped and timed as the page plans, and the advice names only the labels it scopes by', () => {
    const labelNames = new Set(alerts.flatMap((a) => [...a.labels]));
    for (const p of RUNBOOK) {
      for (const s of readPage(`${p.slug}.md`).silences) {
        expect(s.labels.filter((l) => !p.silence.by.includes(l)), `${p.slug}: ${s.alert}`).toEqual([]);
        expect(s.duration, p.slug).toBe(p.silence.duration);
      }
      const named = [...p.silence.when.matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '').filter((n) => labelNames.has(n));
      expect(named.filter((n) => !p.silence.by.includes(n)), p.slug).toEqual([]);
      expect(p.silence.when, p.slug).not.toMatch(/\b(quarter|hours?|days?|weeks?|months?|years?)\b|\b\d+\s*[hdm]\b/);
    }
  });

  it('keeps the reviewed cases right: entry 5 silences per tenant only, entry 8 for a quarter', () => {
    const entry5 = readPage('05-recording-integrity.md');
    expect(entry5.silences).toEqual([{ alert: 'RecordingSuccessLow', labels: ['tenant'], duration: '4h' }]);
    expect(entry5.lacking).toEqual([{ alert: 'RecordingSuccessLow', form: 'Prometheus', labels: ['tenant'], outcome: 'left on' }]);
    expect(readPage('08-egress-dominates-cost.md').silences.map((s) => s.duration)).toEqual(['90d', '90d']);
  });
});
