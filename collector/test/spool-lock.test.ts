import { execFile, spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_STALE_MS, SPOOL_LOCK_FILE, lockSpoolDir, type LockHolder } from '../src/ingest/spool-lock.js';
import { appOn, removeDir, tempDataDir } from './fixtures.js';

/**
 * A spool directory belongs to one live collector: another's lock is
 * refused while it is renewed, and taken over once its holder is gone; two
 * starts racing for one directory never both win.
 */

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await tempDataDir();
});
afterAll(async () => {
  await removeDir(dir);
});

const lockPath = () => join(dir, SPOOL_LOCK_FILE);
const holderNow = async (): Promise<LockHolder> => JSON.parse(await readFile(lockPath(), 'utf8')) as LockHolder;
const plant = (holder: Partial<LockHolder>) =>
  writeFile(lockPath(), `${JSON.stringify({ token: 'planted', pid: process.pid, host: hostname(), at: Date.now(), ...holder })}\n`);

describe('the spool directory lock', () => {
  it('is taken, names this process, refuses a second collector of this process, and is released', async () => {
    const lock = await lockSpoolDir(dir);
    expect(await holderNow()).toMatchObject({ pid: process.pid, host: hostname() });
    await expect(lockSpoolDir(dir)).rejects.toThrow(`is in use by the collector in process ${process.pid} on ${hostname()}`);
    await lock.release();
    await expect(access(lockPath())).rejects.toThrow();
  });

  it('refuses a directory another running process holds, naming it; takes it over once that process is gone', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await plant({ pid: other.pid });
      await expect(lockSpoolDir(dir)).rejects.toThrow(`spool directory ${dir} is in use by the collector in process ${other.pid} on ${hostname()}`);
    } finally {
      const exited = new Promise((resolve) => other.once('exit', resolve));
      other.kill('SIGKILL');
      await exited;
    }
    const lock = await lockSpoolDir(dir);
    expect((await holderNow()).pid).toBe(process.pid);
    await lock.release();
  });

  it('refuses a holder on another host while it renews its lock, and takes over one not renewed for a minute', async () => {
    await plant({ host: 'pod-a', pid: 1 });
    await expect(lockSpoolDir(dir)).rejects.toThrow('in use by the collector in process 1 on pod-a');
    await plant({ host: 'pod-a', pid: 1, at: Date.now() - LOCK_STALE_MS - 1000 });
    await (await lockSpoolDir(dir)).release();
  });

  it('takes over an earlier run with this process id (a restarted container) and a file that is not a lock', async () => {
    await plant({ token: 'an-earlier-run' });
    await (await lockSpoolDir(dir)).release();
    await writeFile(lockPath(), '');
    await (await lockSpoolDir(dir)).release();
  });

  it('lets exactly one of two processes starting at once take it, also over a dead holder', { timeout: 60_000 }, async () => {
    const child = join(import.meta.dirname, 'spool-lock-child.ts');
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    for (const dead of [false, true, false, true]) {
      if (dead) await plant({ pid: 2 ** 22 + 7 }); // beyond any pid this host hands out: not running
      const answers = await Promise.all([run(tsx, [child, dir]), run(tsx, [child, dir])]);
      const took = answers.filter((a) => a.stdout.startsWith('took')).length;
      expect(took, answers.map((a) => a.stdout).join(' | ')).toBe(1);
      expect(answers.find((a) => !a.stdout.startsWith('took'))?.stdout).toMatch(/^refused: spool directory .* is in use by the collector/);
    }
  });
});

describe('a collector and its spool directory, through buildApp', () => {
  it('holds the lock while it runs, and releases it when it is closed', async () => {
    const dataDir = await tempDataDir();
    const spoolDir = join(dataDir, 'spool');
    try {
      const app = await appOn(dataDir, { ingest: { spoolDir } });
      try {
        expect(JSON.parse(await readFile(join(spoolDir, SPOOL_LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
        await expect(lockSpoolDir(spoolDir)).rejects.toThrow(`spool directory ${spoolDir} is in use by the collector in process ${process.pid}`);
      } finally {
        await app.close();
      }
      await expect(access(join(spoolDir, SPOOL_LOCK_FILE))).rejects.toThrow();
      await (await lockSpoolDir(spoolDir)).release();
    } finally {
      await removeDir(dataDir);
    }
  });
});
