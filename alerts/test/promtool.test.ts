import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NAMING_PATHS } from '../src/index.js';
import { GENERATED_DIR, committedFiles } from './generated-files.js';

const PROMTOOL = '/usr/bin/promtool';

function promtool(args: string[]): { status: number | null; output: string } {
  if (!existsSync(PROMTOOL)) {
    throw new Error(`${PROMTOOL} is missing: install Debian's "prometheus" package (npm run test:all does it)`);
  }
  const result = spawnSync(PROMTOOL, args, { cwd: GENERATED_DIR, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.each(NAMING_PATHS)('promtool on the %s naming path', (path) => {
  const files = committedFiles().filter((f) => f.startsWith(`prometheus/${path}/`));

  it('accepts every rule file (promtool check rules)', { timeout: 60_000 }, () => {
    const ruleFiles = files.filter((f) => !f.includes('/tests/'));
    expect(ruleFiles).toEqual([`prometheus/${path}/alerts.yml`, `prometheus/${path}/recording.yml`]);
    const { status, output } = promtool(['check', 'rules', ...ruleFiles]);
    expect(output).not.toMatch(/FAILED/);
    expect(status).toBe(0);
  });

  it('passes every generated unit test (promtool test rules)', { timeout: 300_000 }, () => {
    const tests = files.filter((f) => f.includes('/tests/'));
    expect(tests.length).toBeGreaterThan(0);
    const { status, output } = promtool(['test', 'rules', ...tests.map((t) => join(GENERATED_DIR, t))]);
    expect(output).not.toMatch(/FAILED/);
    expect(status).toBe(0);
  });
});
