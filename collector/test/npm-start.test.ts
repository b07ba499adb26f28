import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDataDir } from './fixtures.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let dataDir: string;
beforeAll(async () => {
  dataDir = await tempDataDir();
});
afterAll(async () => {
  await removeDir(dataDir);
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `npm start` on a port of its own, as the leader of a new process group; resolves once it listens. */
async function startNpm(): Promise<{ npm: ChildProcess; output: () => string; exited: Promise<number | null>; base: string; serverPid: number }> {
  const npm = spawn('npm', ['start', '--', '--port', '0', '--data-dir', dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  const started = Date.now();
  while (!/listening on (http:\S+)/.test(output) && Date.now() - started < 90_000 && npm.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const base = /listening on (http:\S+)/.exec(output)?.[1];
  if (!base) throw new Error(`npm start did not listen:\n${output}`);
  // The collector's own pid, from its JSON log lines: npm's child itself, not behind a shell or tsx.
  const serverPid = Number(/"pid":(\d+)/.exec(output)?.[1]);
  return { npm, output: () => output, exited, base, serverPid };
}

describe('npm start (the Quick start command)', () => {
  it('serves the collector and the demo, prints a read key for the demo tenant, and a SIGTERM to npm reaches the collector, which drains and exits 0', async () => {
    const { npm, output, exited, base, serverPid } = await startNpm();
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/demo/`)).status).toBe(200);
      expect(serverPid).toBeGreaterThan(0);
      // The demo tenant's read key for this run, as printed: it reads the demo tenant back, and nothing is read without it.
      const readKey = /demo tenant read key \(this run only\): (\S+)/.exec(output())?.[1];
      expect(readKey).toBeDefined();
      expect(output()).toContain('OTLP metrics export off (set OTEL_EXPORTER_OTLP_ENDPOINT)');
      const evaluate = `${base}/v1/alerts/evaluate?tenant=demo`;
      const answer = await fetch(evaluate, { headers: { authorization: `Bearer ${readKey}` } });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { tenant: string; rules: unknown[] }).rules.length).toBeGreaterThan(10);
      expect((await fetch(evaluate)).status).toBe(401);
      expect((await fetch(evaluate, { headers: { authorization: 'Bearer not-the-key-0123456789' } })).status).toBe(401);

      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output()).toMatch(/"signal":"SIGTERM".*"msg":"closing"/);
      expect(alive(serverPid)).toBe(false);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
    }
  });

  it('drains and exits 0 on Ctrl-C (SIGINT to the whole process group, so the server hears it twice)', async () => {
    const { npm, output, exited, serverPid } = await startNpm();
    try {
      process.kill(-(npm.pid as number), 'SIGINT');
      expect(await exited, output()).toBe(0);
      expect(output()).toMatch(/"signal":"SIGINT".*"msg":"closing"/);
      expect(alive(serverPid)).toBe(false);
    } finally {
      if (npm.exitCode === null) process.kill(-(npm.pid as number), 'SIGKILL');
    }
  });
});
