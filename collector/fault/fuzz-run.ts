import type { CollectorApp } from '../src/index.js';
import { createFuzzer } from './fuzz-bodies.js';

/** What a fuzz run saw. */
export interface FuzzReport {
  readonly cases: number;
  /** Count per `kind status`, for example `truncated 400`. */
  readonly outcomes: Record<string, number>;
  /** Cases answered with a 2xx or 5xx (each one a bug), with their index for replay. */
  readonly failures: { index: number; kind: string; status: number; body: string }[];
}

/** Row counts of the tables a report writes into. */
export async function storedRows(app: CollectorApp, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const result = await app.store.client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
    const [row] = await result.json<{ n: number | string }>();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

/**
 * Send `cases` fuzzed bad bodies (see `createFuzzer`) through `inject()`,
 * `concurrency` at a time, and record every answer that is not a 4xx.
 */
export async function runFuzz(
  app: CollectorApp,
  options: { valid: object; key: string; seed: number; cases: number; concurrency?: number; oversizeBytes?: number },
): Promise<FuzzReport> {
  const fuzzer = createFuzzer(options.valid, options.key, options.seed, options.oversizeBytes ?? 1024 * 1024 + 1);
  const outcomes: Record<string, number> = {};
  const failures: FuzzReport['failures'] = [];
  let index = 0;
  const worker = async (): Promise<void> => {
    while (index < options.cases) {
      const mine = index++;
      const fuzz = fuzzer.next();
      const response = await app.inject({ method: 'POST', url: fuzz.url, headers: fuzz.headers, payload: fuzz.payload });
      const key = `${fuzz.kind} ${response.statusCode}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (response.statusCode < 400 || response.statusCode >= 500) {
        failures.push({ index: mine, kind: fuzz.kind, status: response.statusCode, body: response.body.slice(0, 300) });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { cases: options.cases, outcomes, failures };
}
