import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** File in a spool directory naming the process that uses it: `<pid> <host>`. */
export const SPOOL_LOCK_FILE = 'collector.lock';

/** A spool directory taken by this process. */
export interface SpoolLock {
  /** Gives the directory up (removes the lock file if it is still this process's). */
  release(): Promise<void>;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holder(path: string): Promise<{ pid: number; host: string } | undefined> {
  const [pid, host] = (await readFile(path, 'utf8').catch(() => '')).trim().split(' ');
  return pid && host && /^\d+$/.test(pid) ? { pid: Number(pid), host } : undefined;
}

/**
 * Takes `dir` for this process. Two collectors on one spool directory would
 * replay each other's acknowledged records and append to one audit chain
 * under one writer id, so a directory held by another running process is
 * refused, naming it. A lock left by a process that is gone (this host, its
 * pid not running), a lock without a readable holder (a crash while it was
 * written) and one of this very process (a collector opened again in the
 * same process) are taken over. A holder on another host (a shared file
 * system) cannot be checked and is refused.
 */
export async function lockSpoolDir(dir: string): Promise<SpoolLock> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, SPOOL_LOCK_FILE);
  const me = `${process.pid} ${hostname()}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${me}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return {
        async release() {
          if ((await readFile(path, 'utf8').catch(() => '')).trim() === me) await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const held = await holder(path);
    if (held && !(held.host === hostname() && (held.pid === process.pid || !running(held.pid)))) {
      throw new Error(
        `spool directory ${dir} is in use by process ${held.pid} on ${held.host} (${path}): two collectors on one spool would replay each other's acknowledged records and share one audit writer id. ` +
          `Give each collector its own RTCPULSE_SPOOL_DIR; if that process is gone, remove ${path}.`,
      );
    }
    await unlink(path).catch(() => undefined);
  }
}
