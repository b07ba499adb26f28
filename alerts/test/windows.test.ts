import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, allRules, grafanaSql, ruleSql, type Duration, type SqlTarget } from '../src/index.js';
import { QUANTILE_WINDOW } from '../src/prometheus/promql.js';
import { durationSeconds } from '../src/runbook/durations.js';
import { lookbackSeconds } from '../src/runbook/sql.js';

const TARGET: SqlTarget = { now: '{now:DateTime64(3)}', oneTenant: true, prices: DEFAULT_PRICES };
const rules = allRules().map((r) => r.rule);

/** `(now - INTERVAL n SECOND, now]` as `lastSeconds` writes it. */
const windowOf = (seconds: number, now = TARGET.now) => `ts > ${now} - INTERVAL ${seconds} SECOND AND ts <= ${now}`;

/**
 * Rules whose PromQL window and SQL lookback differ on purpose: the
 * wrong-device SQL counts a day of feedback sessions (at least 20), its
 * PromQL ratio reads six hours of rates; the A/V offset and time-to-target
 * quantiles come a few times or once per session, so their SQL reads 10 and
 * 15 minutes while the PromQL recording rules read 5.
 */
const OWN_SQL_WINDOW: readonly string[] = ['av-offset-p95', 'time-to-target-bitrate-p95', 'wrong-audio-device-complaints'];

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

  it('keeps the SQL lookback equal to the PromQL window (a quantile\'s: the recording rules\'), except where noted, without restating it', () => {
    const promqlWindow = (rule: (typeof rules)[number]): Duration | undefined => {
      const p = rule.prometheus;
      if (!p) return undefined;
      return p.kind === 'ratio' ? p.window : p.kind === 'burn-rate' ? p.longWindow : QUANTILE_WINDOW;
    };
    const mismatched = rules.flatMap((rule) => {
      const window = promqlWindow(rule);
      return window === undefined || durationSeconds(window) === lookbackSeconds(rule) ? [] : [rule.id];
    });
    expect(mismatched.sort()).toEqual([...OWN_SQL_WINDOW].sort());
    const restated = rules.filter((rule) => rule.prometheus && rule.sql.lookbackSeconds !== undefined);
    expect(restated.map((r) => r.id).sort()).toEqual([...OWN_SQL_WINDOW].sort());
  });

  it('asks a rule without a PromQL window for its own lookback', () => {
    const without = rules.filter((r) => !r.prometheus);
    expect(without.length).toBeGreaterThan(0);
    for (const rule of without) expect(rule.sql.lookbackSeconds, rule.id).toBeGreaterThan(0);
    const [first] = without;
    const broken = { ...first!, sql: { ...first!.sql, lookbackSeconds: undefined } };
    expect(() => lookbackSeconds(broken)).toThrow(/sql.lookbackSeconds must be set/);
  });
});
