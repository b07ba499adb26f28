import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

const PROMTOOL = '/usr/bin/promtool';

/** What promtool printed (stdout and stderr) and its exit status. */
export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs promtool without blocking the test worker (a blocked worker misses vitest's RPC deadlines). */
export function promtool(args: readonly string[], cwd: string): Promise<PromtoolResult> {
  if (!existsSync(PROMTOOL)) {
    throw new Error(`${PROMTOOL} is missing: install Debian's "prometheus" package (npm run test:all does it)`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { cwd });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/**
 * `promtool test rules` on one test file written from `test` (its
 * `rule_files` given as absolute paths), in a temporary directory removed afterwards.
 */
export async function promtoolTestRules(test: unknown): Promise<PromtoolResult> {
  const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-promtool-'));
  try {
    await writeFile(join(dir, 'agreement.test.yml'), stringify(test, { lineWidth: 0 }));
    return await promtool(['test', 'rules', 'agreement.test.yml'], dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
