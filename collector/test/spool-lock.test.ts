import { spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockSpoolDir, SPOOL_LOCK_FILE } from '../src/ingest/spool-lock.js';
import { removeDir, tempDataDir } from './fixtures.js';

/** A spool directory belongs to one collector process at a time: another live process's lock is refused, a dead one's taken over. */

let dir: string;
beforeAll(async () => {
  dir = await tempDataDir();
});
afterAll(async () => {
  await removeDir(dir);
});

const lockPath = () => join(dir, SPOOL_LOCK_FILE);

describe('the spool directory lock', () => {
  it('is taken, names this process, and is released', async () => {
    const lock = await lockSpoolDir(dir);
    expect((await readFile(lockPath(), 'utf8')).trim()).toBe(`${process.pid} ${hostname()}`);
    await lock.release();
    await expect(access(lockPath())).rejects.toThrow();
  });

  it('refuses a directory another running process holds, naming it; takes it over once that process is gone', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await writeFile(lockPath(), `${other.pid} ${hostname()}\n`);
      await expect(lockSpoolDir(dir)).rejects.toThrow(`spool directory ${dir} is in use by process ${other.pid} on ${hostname()}`);
    } finally {
      const exited = new Promise((resolve) => other.once('exit', resolve));
      other.kill('SIGKILL');
      await exited;
    }
    const lock = await lockSpoolDir(dir);
    expect((await readFile(lockPath(), 'utf8')).trim()).toBe(`${process.pid} ${hostname()}`);
    await lock.release();
  });

  it('refuses a holder on another host, which it cannot check; takes over an unreadable lock and its own', async () => {
    await writeFile(lockPath(), `${process.pid} some-other-host\n`);
    await expect(lockSpoolDir(dir)).rejects.toThrow('in use by process');
    await writeFile(lockPath(), '');
    await (await lockSpoolDir(dir)).release();
    await lockSpoolDir(dir);
    const again = await lockSpoolDir(dir);
    await again.release();
  });
});
