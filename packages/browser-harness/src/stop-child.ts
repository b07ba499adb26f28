import type { ChildProcess } from 'node:child_process';

/**
 * A function that ends `child` (SIGTERM, then SIGKILL after 3 s) and waits
 * for its exit. Create it right after spawning, so an early exit is not missed.
 */
export function stopperOf(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
}
