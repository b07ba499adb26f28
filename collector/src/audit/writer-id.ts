import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** File, in the collector's spool directory, that keeps its audit writer id across restarts. */
export const WRITER_ID_FILE = 'audit-writer-id';

const VALID = /^[A-Za-z0-9._-]{1,64}$/;

/** A configured writer id (`RTCPULSE_INSTANCE_ID`), checked. */
export function checkWriterId(id: string): string {
  if (!VALID.test(id)) throw new Error(`RTCPULSE_INSTANCE_ID must be 1-64 letters, digits, '.', '_' or '-', got ${JSON.stringify(id)}`);
  return id;
}

/**
 * This collector instance's audit writer id when none is configured: the id
 * kept in `dir` (the instance's own spool directory), made up on the first
 * start. Each instance appends to its own chain per tenant, so instances
 * behind one load balancer never fork a chain, and a restarted instance
 * continues the chain it had.
 */
export function loadWriterId(dir: string): string {
  const path = join(dir, WRITER_ID_FILE);
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (VALID.test(kept)) return kept;
    throw new Error(`${path} does not hold a writer id (${JSON.stringify(kept.slice(0, 80))}); remove it to make a new one`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true });
  const id = randomBytes(6).toString('hex');
  try {
    writeFileSync(path, `${id}\n`, { flag: 'wx' });
  } catch (error) {
    // Another start won the race: use the id it wrote.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
  return id;
}
