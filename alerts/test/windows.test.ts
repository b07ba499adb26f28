import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, allRules, grafanaSql, ruleSql, type SqlTarget } from '../src/index.js';
import { durationSeconds } from '../src/runbook/durations.js';
import { lookbackSeconds } from '../src/runbook/sql.js';

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

describe('the window of a rule is stated once: sql.lookbackSeconds, else its PromQL window', () => {
  it('reads the main window of every rule from its lookback', () => {
    for (const rule of rules) {
      expect(ruleSql(rule, TARGET), rule.id).toContain(windowOf(lookbackSeconds(rule)));
      expect(grafanaSql(rule), rule.id).toContain(windowOf(lookbackSeconds(rule), 'now()'));
    }
  });

  it('has no main window written into a query: another lookback moves it', () => {
    const probe = 4321;
    for (const rule of rules) {
      const moved = rule.sql.query({ ...TARGET, lookbackSeconds: probe });
      expect(moved, rule.id).toContain(windowOf(probe));
      expect(moved, rule.id).not.toContain(windowOf(lookbackSeconds(rule)));
    }
  });

  it('keeps the SQL lookback equal to the PromQL window of ratio and burn-rate rules, except where noted, without restating it', () => {
    const mismatched = rules.flatMap((rule) => {
      const p = rule.prometheus;
      if (!p || p.kind === 'quantile') return [];
      const window = p.kind === 'ratio' ? p.window : p.longWindow;
      return durationSeconds(window) === lookbackSeconds(rule) ? [] : [rule.id];
    });
    expect(mismatched.sort()).toEqual([...OWN_SQL_WINDOW].sort());
    const restated = rules.filter((rule) => (rule.prometheus?.kind === 'ratio' || rule.prometheus?.kind === 'burn-rate') && rule.sql.lookbackSeconds !== undefined);
    expect(restated.map((r) => r.id)).toEqual([...OWN_SQL_WINDOW]);
  });

  it('asks a rule without a PromQL window for its own lookback', () => {
    for (const rule of rules.filter((r) => !r.prometheus || r.prometheus.kind === 'quantile')) {
      expect(rule.sql.lookbackSeconds, rule.id).toBeGreaterThan(0);
    }
    const [quantile] = rules.filter((r) => r.prometheus?.kind === 'quantile');
    const broken = { ...quantile!, sql: { ...quantile!.sql, lookbackSeconds: undefined } };
    expect(() => lookbackSeconds(broken)).toThrow(/sql.lookbackSeconds must be set/);
  });
});
