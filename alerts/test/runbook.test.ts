import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { PLAYBOOK, RUNBOOK, allRules } from '../src/index.js';
import { EVENT } from '../src/runbook/telemetry.js';
import { GENERATED_DIR } from './generated-files.js';

describe('the runbook as data', () => {
  it('has the twelve playbook entries in order, each with at least one rule', () => {
    expect(PLAYBOOK.map((p) => p.entry)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const page of PLAYBOOK) expect(page.rules.length, page.slug).toBeGreaterThan(0);
  });

  it('keeps the playbook severities: 1-5 page, 6-10 warn, 11-12 info', () => {
    expect(PLAYBOOK.map((p) => p.severity)).toEqual([...Array(5).fill('page'), ...Array(5).fill('warn'), 'info', 'info']);
  });

  it('uses unique rule ids and alert names, with Grafana-sized uids', () => {
    const rules = allRules().map((r) => r.rule);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) expect(`rtcpulse-${r.id}`.length, r.id).toBeLessThanOrEqual(40);
  });

  it('reads only event types the registry defines', () => {
    const known: readonly string[] = EVENT_TYPES;
    expect(Object.values(EVENT).filter((t) => !known.includes(t))).toEqual([]);
  });

  it('has one generated page per entry and family that names its alerts, the dashboard and how to silence', () => {
    for (const page of RUNBOOK) {
      const file = join(GENERATED_DIR, 'runbook', `${page.slug}.md`);
      expect(existsSync(file), file).toBe(true);
      const text = readFileSync(file, 'utf8');
      for (const heading of ['## What users feel', '## How to confirm', '## Fix', '## Silencing safely']) expect(text, page.slug).toContain(heading);
      expect(page.confirm.length, page.slug).toBeGreaterThan(0);
      for (const step of page.confirm) expect(text).toContain('panel' in step ? step.panel : step.query.split('\n')[0]);
      for (const rule of page.rules) expect(text).toContain(`### ${rule.alert}`);
    }
  });
});
