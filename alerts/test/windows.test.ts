import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, allRules, grafanaSql, ruleSql, type SqlTarget } from '../src/index.js';
import { durationSeconds } from '../src/runbook/durations.js';

const TARGET: SqlTarget = { now: '{now:DateTime64(3)}', oneTenant: true, prices: DEFAULT_PRICES };
const rules = allRules().map((r) => r.rule);

/** `(now - INTERVAL n SECOND, now]` as `lastSeconds` writes it. */
const windowOf = (seconds: number, now = TARGET.now) => `ts > ${now} - INTERVAL ${seconds} SECOND AND ts <= ${now}`;

/**
 * Ratio rules whose PromQL window and SQL lookback differ on purpose: the
 * wrong-device SQL counts a day of feedback sessions (at least 20), its
 * PromQL ratio reads six hours of rates.
 */
const OWN_SQL_WINDOW: readonly string[] = ['wrong-audio-device-complaints'];

describe('the window of a rule is stated once, in sql.lookbackSeconds', () => {
  it('reads the main window of every rule from its lookback', () => {
    for (const rule of rules) {
      expect(ruleSql(rule, TARGET), rule.id).toContain(windowOf(rule.sql.lookbackSeconds));
      expect(grafanaSql(rule), rule.id).toContain(windowOf(rule.sql.lookbackSeconds, 'now()'));
    }
  });

  it('has no main window written into a query: another lookback moves it', () => {
    const probe = 4321;
    for (const rule of rules) {
      const moved = rule.sql.query({ ...TARGET, lookbackSeconds: probe });
      expect(moved, rule.id).toContain(windowOf(probe));
      expect(moved, rule.id).not.toContain(windowOf(rule.sql.lookbackSeconds));
    }
  });

  it('keeps the SQL lookback equal to the PromQL window of ratio and burn-rate rules, except where noted', () => {
    const mismatched = rules.flatMap((rule) => {
      const p = rule.prometheus;
      if (!p || p.kind === 'quantile') return [];
      const window = p.kind === 'ratio' ? p.window : p.longWindow;
      return durationSeconds(window) === rule.sql.lookbackSeconds ? [] : [rule.id];
    });
    expect(mismatched.sort()).toEqual([...OWN_SQL_WINDOW].sort());
  });
});
