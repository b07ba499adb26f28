import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processRunning } from '../process-running.js';

/** File in a spool directory naming the collector that uses it. */
export const SPOOL_LOCK_FILE = 'collector.lock';
/** How often the holder renews its lock. */
export const LOCK_HEARTBEAT_MS = 5_000;
/** A lock not renewed for this long is taken over: its holder is gone (or hung). */
export const LOCK_STALE_MS = 60_000;

/** What a lock file says. */
export interface LockHolder {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  /** Its last renewal, epoch ms. */
  readonly at: number;
}

/** A spool directory taken by this process. */
export interface SpoolLock {
  /** Stops renewing it and removes the lock file if it is still this one. */
  release(): Promise<void>;
}

/** The locks this process holds now, by token, with their paths (a second collector in one process is refused too). */
const held = new Map<string, string>();

// A process that exits without closing (a second signal, the shutdown grace) still leaves no lock of its own behind.
let exitHandler = false;
function removeHeldAtExit(): void {
  if (exitHandler) return;
  exitHandler = true;
  process.once('exit', () => {
    for (const [token, path] of held) {
      try {
        if (parse(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path);
      } catch {
        // Nothing to remove.
      }
    }
  });
}

function parse(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    const ok = typeof value.token === 'string' && typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.at === 'number';
    return ok ? (value as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

const readHolder = async (path: string): Promise<LockHolder | undefined> => parse(await readFile(path, 'utf8').catch(() => ''));

/** Whether the holder may still be using the directory: renewed lately, and not a process of this host that is gone or an earlier run of this very process id. */
function alive(holder: LockHolder, now: number): boolean {
  if (now - holder.at >= LOCK_STALE_MS) return false;
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return held.has(holder.token);
  return processRunning(holder.pid);
}
// Hosts sharing one spool volume are trusted to keep their clocks within LOCK_STALE_MS of each other (NTP), and to
// have hostnames of their own: the pid checks above look at this host's processes.

/**
 * Takes `dir` for this process. Two collectors on one spool directory would
 * replay each other's acknowledged records and append to one audit chain
 * under one writer id, so a directory another live collector holds is
 * refused, naming it. The lock file (`{token, pid, host, at}`) is created
 * whole in one step (written aside, then linked into place) and renewed
 * every {@link LOCK_HEARTBEAT_MS}. It is taken over when its holder is gone:
 * not renewed for {@link LOCK_STALE_MS} (a collector killed on another host
 * or in another container), a process of this host that no longer runs, an
 * earlier run with this process id (a container's pid 1 restarted), or a
 * file that does not read as a lock. A take-over moves the old file aside
 * and checks it moved the lock it judged, so two starts racing for one
 * directory cannot both win. `onLost` is called if another process took the
 * lock while this one held it (it had stopped renewing for a minute).
 */
export async function lockSpoolDir(dir: string, onLost: (holder: LockHolder | undefined) => void = () => undefined): Promise<SpoolLock> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, SPOOL_LOCK_FILE);
  const token = randomUUID();
  const content = () => `${JSON.stringify({ token, pid: process.pid, host: hostname(), at: Date.now() } satisfies LockHolder)}\n`;
  const aside = `${path}.${token}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    await writeFile(aside, content());
    try {
      await link(aside, path);
      await unlink(aside);
      return holdLock(path, token, content, onLost);
    } catch (error) {
      await unlink(aside).catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (holder && alive(holder, Date.now())) {
      const seconds = Math.round((Date.now() - holder.at) / 1000);
      throw new Error(
        `spool directory ${dir} is in use by the collector in process ${holder.pid} on ${holder.host} (lock renewed ${seconds} s ago, ${path}): ` +
          "two collectors on one spool would replay each other's acknowledged records and share one audit writer id. " +
          `Give each collector its own RTCPULSE_SPOOL_DIR. A lock not renewed for ${LOCK_STALE_MS / 1000} s is taken over.`,
      );
    }
    // Gone: move its file aside, and make sure the file moved is the one judged (another start may have taken over first).
    const judged = await readFile(path, 'utf8').catch(() => undefined);
    if (judged === undefined) continue;
    const stale = `${path}.${token}.stale`;
    try {
      await rename(path, stale);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if ((await readFile(stale, 'utf8').catch(() => undefined)) !== judged) await link(stale, path).catch(() => undefined);
    await unlink(stale).catch(() => undefined);
  }
  throw new Error(`could not take the spool lock ${path}: other starts kept taking it`);
}

function holdLock(path: string, token: string, content: () => string, onLost: (holder: LockHolder | undefined) => void): SpoolLock {
  held.set(token, path);
  removeHeldAtExit();
  let released = false;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async (): Promise<void> => {
    const holder = await readHolder(path);
    if (released) return;
    // No file for a moment (another start moving a lock aside to check it): try again at the next beat.
    if (holder === undefined) return;
    if (holder.token !== token) {
      clearInterval(timer);
      held.delete(token);
      onLost(holder);
      return;
    }
    const next = `${path}.${token}.renew`;
    await writeFile(next, content());
    if (released) {
      await unlink(next).catch(() => undefined);
      return;
    }
    await rename(next, path);
  };
  const timer = setInterval(() => {
    renewing = renewing.then(renew).catch(() => undefined);
  }, LOCK_HEARTBEAT_MS);
  timer.unref();
  return {
    async release() {
      released = true;
      clearInterval(timer);
      await renewing;
      held.delete(token);
      if ((await readHolder(path))?.token === token) await unlink(path).catch(() => undefined);
    },
  };
}
