// Child of spool-lock.test.ts: takes the spool lock of argv[2], holds it for a while, prints whether it got it.
import { lockSpoolDir } from '../src/ingest/spool-lock.js';

const dir = process.argv[2] ?? '';
lockSpoolDir(dir).then(
  async (lock) => {
    process.stdout.write('took\n');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await lock.release();
  },
  (error: unknown) => process.stdout.write(`refused: ${error instanceof Error ? error.message : String(error)}\n`),
);
