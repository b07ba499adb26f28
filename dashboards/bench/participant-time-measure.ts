/**
 * Child process of the participant-time bench: opens the seeded store,
 * runs one query `runs` times and prints, as its last line, a JSON
 * {@link Measurement}. One process per query, so that the first run's
 * memory is the query's own: the process RSS is sampled every 5 ms while
 * the query runs (chdb runs it off the event loop) and the peak growth over
 * the RSS just before it is reported.
 *
 * Usage: `participant-time-measure.ts <dataDir> <endMs> <runs> <spec JSON>`.
 */
import { createStore } from '@rtcpulse/collector';
import { specSql, type QuerySpec } from './participant-time-queries.js';

/** What the child reports. */
export interface Measurement {
  /** Wall time of each run, s. */
  readonly seconds: number[];
  /** Peak RSS growth during the first run over the RSS just before it, MiB. */
  readonly peakMiB: number;
  /** The rows of the first run (to compare formulations). */
  readonly rows: Record<string, unknown>[];
  /** The ClickHouse error, when the query failed (e.g. over the memory limit). */
  readonly error?: string;
}

const [dataDir, endArg, runsArg, specArg] = process.argv.slice(2);
if (!dataDir || !endArg || !runsArg || !specArg) throw new Error('usage: participant-time-measure.ts <dataDir> <endMs> <runs> <spec JSON>');
const spec = JSON.parse(specArg) as QuerySpec;
const maxMemoryBytes = Number(process.env.BENCH_MAX_MEMORY_GB ?? 8) * 2 ** 30;
const sql = specSql(spec, Number(endArg));

const store = createStore({ kind: 'embedded', dataDir });
const query = async (text: string): Promise<Record<string, unknown>[]> =>
  (await store.client.query({ query: text, format: 'JSONEachRow', clickhouse_settings: { max_memory_usage: String(maxMemoryBytes) } })).json<Record<string, unknown>>();

const seconds: number[] = [];
let peakMiB = 0;
let rows: Record<string, unknown>[] = [];
let error: string | undefined;
try {
  await query('SELECT count() FROM samples');
  for (let run = 0; run < Number(runsArg); run++) {
    const before = process.memoryUsage.rss();
    const maxBefore = process.resourceUsage().maxRSS * 1024;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 5);
    const started = performance.now();
    try {
      const result = await query(sql);
      if (run === 0) rows = result;
    } finally {
      clearInterval(sampler);
    }
    seconds.push((performance.now() - started) / 1000);
    const maxAfter = process.resourceUsage().maxRSS * 1024;
    if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);
    if (run === 0) peakMiB = Math.max(0, peak - before) / 2 ** 20;
  }
} catch (e) {
  error = e instanceof Error ? e.message.split('\n')[0]?.slice(0, 300) : String(e);
} finally {
  await store.close();
}
const measurement: Measurement = { seconds, peakMiB, rows, ...(error !== undefined ? { error } : {}) };
process.stdout.write(`\n${JSON.stringify(measurement)}\n`);
