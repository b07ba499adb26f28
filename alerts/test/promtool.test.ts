import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NAMING_PATHS } from '../src/index.js';
import { GENERATED_DIR, committedFiles } from './generated-files.js';
import { promtool as runPromtool } from './promtool-run.js';

/** promtool run in the generated directory (paths below are relative to it). */
const promtool = (args: string[]) => runPromtool(args, GENERATED_DIR);

describe.each(NAMING_PATHS)('promtool on the %s naming path', (path) => {
  const files = committedFiles().filter((f) => f.startsWith(`prometheus/${path}/`));

  it('accepts every rule file (promtool check rules)', { timeout: 60_000 }, async () => {
    const ruleFiles = files.filter((f) => !f.includes('/tests/'));
    expect(ruleFiles).toEqual([`prometheus/${path}/alerts.yml`, `prometheus/${path}/collector.yml`, `prometheus/${path}/recording.yml`]);
    const { status, output } = await promtool(['check', 'rules', ...ruleFiles]);
    expect(output).not.toMatch(/FAILED/);
    expect(status).toBe(0);
  });

  it('passes every generated unit test (promtool test rules)', { timeout: 300_000 }, async () => {
    const tests = files.filter((f) => f.includes('/tests/'));
    expect(tests.length).toBeGreaterThan(0);
    const { status, output } = await promtool(['test', 'rules', ...tests.map((t) => join(GENERATED_DIR, t))]);
    expect(output).not.toMatch(/FAILED/);
    expect(status).toBe(0);
  });
});
