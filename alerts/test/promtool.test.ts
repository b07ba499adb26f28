import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NAMING_PATHS } from '../src/index.js';
import { GENERATED_DIR, committedFiles } from './generated-files.js';

const PROMTOOL = '/usr/bin/promtool';

/** Runs promtool without blocking the test worker (a blocked worker misses vitest's RPC deadlines). */
function promtool(args: string[]): Promise<{ status: number | null; output: string }> {
  if (!existsSync(PROMTOOL)) {
    throw new Error(`${PROMTOOL} is missing: install Debian's "prometheus" package (npm run test:all does it)`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { cwd: GENERATED_DIR });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

describe.each(NAMING_PATHS)('promtool on the %s naming path', (path) => {
  const files = committedFiles().filter((f) => f.startsWith(`prometheus/${path}/`));

  it('accepts every rule file (promtool check rules)', { timeout: 60_000 }, async () => {
    const ruleFiles = files.filter((f) => !f.includes('/tests/'));
    expect(ruleFiles).toEqual([`prometheus/${path}/alerts.yml`, `prometheus/${path}/recording.yml`]);
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
