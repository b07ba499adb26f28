/**
 * Child process of the participant-time bench: creates the collector's
 * schema in `<dataDir>`, seeds it (`participant-time-seed.ts`) and prints,
 * as its last line, the JSON {@link SeedSummary}.
 *
 * Usage: `participant-time-seed-run.ts <dataDir> <endMs> <days> <sessionsPerDay>`.
 */
import { createStore } from '@rtcpulse/collector';
import { seedStore } from './participant-time-seed.js';

const [dataDir, endArg, daysArg, perDayArg] = process.argv.slice(2);
if (!dataDir || !endArg || !daysArg || !perDayArg) throw new Error('usage: participant-time-seed-run.ts <dataDir> <endMs> <days> <sessionsPerDay>');
const store = createStore({ kind: 'embedded', dataDir });
try {
  await store.migrate();
  const summary = await seedStore(store, { endMs: Number(endArg), days: Number(daysArg), sessionsPerDay: Number(perDayArg) });
  process.stdout.write(`\n${JSON.stringify(summary)}\n`);
} finally {
  await store.close();
}
