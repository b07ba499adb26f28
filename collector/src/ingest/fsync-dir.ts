import { open } from 'node:fs/promises';

/** Fsync a directory, so that files created, renamed or removed in it survive a crash or power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
