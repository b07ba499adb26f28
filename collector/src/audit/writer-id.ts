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
 * continues the chain it had. The spool directory must therefore be the
 * instance's own and kept across restarts (a new directory starts a new
 * chain); a configured id must likewise differ between replicas.
 */
export function loadWriterId(dir: string): string {
  const path = join(dir, WRITER_ID_FILE);
  const kept = readKept(path);
  if (kept !== undefined) return kept;
  mkdirSync(dir, { recursive: true });
  const id = randomBytes(6).toString('hex');
  try {
    writeFileSync(path, `${id}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another start created the file first: use its id once it is written.
    for (let attempt = 0; attempt < 50; attempt++) {
      const theirs = readKept(path, true);
      if (theirs !== undefined) return theirs;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    throw new Error(`${path} stayed empty; remove it to make a new writer id`);
  }
  return id;
}

/** The id kept at `path`; `undefined` when there is no file (or, while another start writes it, an empty one). */
function readKept(path: string, allowEmpty = false): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (VALID.test(text)) return text;
  if (allowEmpty && text === '') return undefined;
  throw new Error(`${path} does not hold a writer id (${JSON.stringify(text.slice(0, 80))}); remove it to make a new one`);
}
