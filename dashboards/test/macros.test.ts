import { describe, expect, it } from 'vitest';
import { applyBackendMacros, applyConditionalAll, expandQuery, replaceVariables, splitArgs, type ExpansionContext } from '../src/index.js';

const FROM = new Date(Date.UTC(2026, 0, 15, 10, 0, 0));
const TO = new Date(Date.UTC(2026, 0, 15, 11, 0, 0, 500));
const context = (variables: ExpansionContext['variables'] = {}): ExpansionContext => ({ from: FROM, to: TO, intervalMs: 20_000, variables });

describe('plugin macro expansion', () => {
  it('expands time filters in seconds and milliseconds as the plugin backend does', () => {
    expect(applyBackendMacros('WHERE $__timeFilter(ts)', context())).toBe('WHERE ts >= toDateTime(1768471200) AND ts <= toDateTime(1768474800)');
    expect(applyBackendMacros('WHERE $__timeFilter_ms(ts)', context())).toBe(
      'WHERE ts >= fromUnixTimestamp64Milli(1768471200000) AND ts <= fromUnixTimestamp64Milli(1768474800500)',
    );
    expect(applyBackendMacros('$__fromTime $__toTime $__fromTime_ms $__toTime_ms', context())).toBe(
      'toDateTime(1768471200) toDateTime(1768474800) fromUnixTimestamp64Milli(1768471200000) fromUnixTimestamp64Milli(1768474800500)',
    );
    expect(applyBackendMacros('$__dateFilter(d)', context())).toBe("d >= toDate('2026-01-15') AND d <= toDate('2026-01-15')");
  });

  it('expands intervals from the panel interval, at least one unit', () => {
    expect(applyBackendMacros('$__timeInterval(ts)', context())).toBe('toStartOfInterval(toDateTime(ts), INTERVAL 20 second)');
    expect(applyBackendMacros('$__timeInterval_ms(ts)', context())).toBe('toStartOfInterval(toDateTime64(ts, 3), INTERVAL 20000 millisecond)');
    expect(applyBackendMacros('$__interval_s', context())).toBe('20');
    expect(applyBackendMacros('$__interval_s', { ...context(), intervalMs: 200 })).toBe('1');
  });

  it('drops a $__conditionalAll condition when its variable is All or empty, keeps it otherwise', () => {
    const sql = 'WHERE $__conditionalAll(region IN (${region:singlequote}), $region) AND x';
    expect(applyConditionalAll(sql, { region: { all: true, options: ['a'] } })).toBe('WHERE 1=1 AND x');
    expect(applyConditionalAll(sql, { region: { values: [''] } })).toBe('WHERE 1=1 AND x');
    expect(applyConditionalAll(sql, { region: { values: ['eu'] } })).toBe('WHERE region IN (${region:singlequote}) AND x');
    expect(applyConditionalAll(`${sql} $__conditionalAll(f(a, b) = 1, $b)`, { region: { values: ['eu'] } })).toBe(
      'WHERE region IN (${region:singlequote}) AND x 1=1',
    );
  });

  it('formats template variables: quoted lists, raw single values, escaping, globals', () => {
    const ctx = context({ region: { values: ["eu-west", "o'brien"] }, s: { values: ['sess-1'] }, all: { all: true, options: ['x', 'y'] } });
    expect(replaceVariables("r IN (${region:singlequote})", ctx)).toBe("r IN ('eu-west','o\\'brien')");
    expect(replaceVariables("r IN ($region)", ctx)).toBe("r IN ('eu-west','o\\'brien')");
    expect(replaceVariables("s = '${s}' AND s = '$s' AND [[s]]", ctx)).toBe("s = 'sess-1' AND s = 'sess-1' AND sess-1");
    expect(replaceVariables('${all:csv}', ctx)).toBe('x,y');
    expect(replaceVariables('$__interval $__interval_ms $__from $__to $__interval_s', ctx)).toBe('20s 20000 1768471200000 1768474800500 $__interval_s');
    expect(replaceVariables('$unknown', ctx)).toBe('$unknown');
  });

  it('runs the three stages in Grafana order and refuses leftovers', () => {
    const sql = "SELECT $__timeInterval(ts) AS time FROM t WHERE $__timeFilter(ts) AND $__conditionalAll(tenant IN (${tenant:singlequote}), $tenant) AND s = '${session}'";
    expect(expandQuery(sql, context({ tenant: { values: ['acme'] }, session: { values: ['s1'] } }))).toBe(
      "SELECT toStartOfInterval(toDateTime(ts), INTERVAL 20 second) AS time FROM t WHERE ts >= toDateTime(1768471200) AND ts <= toDateTime(1768474800) AND tenant IN ('acme') AND s = 's1'",
    );
    expect(() => expandQuery('SELECT $nope', context())).toThrow(/unexpanded/);
    expect(() => expandQuery('SELECT ${nope}', context())).toThrow(/unexpanded/);
  });

  it('splits macro arguments at top-level commas only', () => {
    expect(splitArgs("a IN ('x,y'), f(b, c), $v")).toEqual(["a IN ('x,y')", 'f(b, c)', '$v']);
  });
});
