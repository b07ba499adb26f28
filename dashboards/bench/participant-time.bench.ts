/**
 * `npm run bench -- participant-time`: what the dashboards' participant-time
 * panels cost over long ranges, beside a baseline panel over the same
 * `samples` rows (the p50/p95/p99 round-trip-time panel), measured in the
 * same run on the same store.
 *
 * The collector's schema on embedded ClickHouse (chdb) is seeded with
 * `BENCH_DAYS` (7) days of client samples, `BENCH_SESSIONS_PER_DAY` (1400)
 * sessions a day (`participant-time-seed.ts`: 10–60 min sessions, 1–3 peer
 * connections each sampled every 2 s). For the last 1 h, 24 h and 7 d, at
 * the interval Grafana picks for each, the generated panel SQL (macros
 * expanded as the tests do, variables at All) runs `BENCH_RUNS` (3) times
 * in a fresh child process per query: wall time per run, and the peak
 * growth of the process RSS during the first run. Each participant-time
 * panel runs twice: with the per-second formulation it was first built on
 * (`test/participant-time-reference.ts`, one row per participant-second)
 * and as generated now; their rows are compared. The per-participant-hour
 * alert rule (30 min window, `uniqExactArray` over the covered seconds) runs
 * beside the round-trip-time rule. `BENCH_MAX_MEMORY_GB` (8) caps each
 * query's memory.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Measurement } from './participant-time-measure.js';
import { BASELINE_PANEL, PARTICIPANT_PANELS, RANGES, type QuerySpec } from './participant-time-queries.js';
import type { SeedSummary } from './participant-time-seed.js';

const DAYS = Number(process.env.BENCH_DAYS ?? 7);
const SESSIONS_PER_DAY = Number(process.env.BENCH_SESSIONS_PER_DAY ?? 1400);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** Run `node --import tsx <script> ...args` and parse the JSON on its last output line. */
function child<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', here(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`${script} exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Rows in a stable order (by their string fields), numbers compared to 1e-9 relative. */
function sameRows(a: readonly Record<string, unknown>[], b: readonly Record<string, unknown>[]): boolean {
  const key = (r: Record<string, unknown>) => Object.values(r).filter((v) => typeof v === 'string').join('|');
  const sorted = (rows: readonly Record<string, unknown>[]) => [...rows].sort((x, y) => key(x).localeCompare(key(y)));
  const [x, y] = [sorted(a), sorted(b)];
  return x.length === y.length && x.every((row, i) => Object.entries(row).every(([k, v]) => {
    const w = y[i]?.[k];
    return typeof v === 'number' && typeof w === 'number' ? Math.abs(v - w) <= 1e-9 * Math.max(1, Math.abs(v)) : v === w;
  }));
}

function line(label: string, m: Measurement, baseline?: Measurement, note = ''): string {
  if (m.error !== undefined) return `  ${label.padEnd(52)} failed: ${m.error}`;
  const t = median(m.seconds);
  const ratio = baseline && baseline.error === undefined ? `  ${fmt(t / median(baseline.seconds), 1).padStart(5)}× baseline time` : '';
  return `  ${label.padEnd(52)} ${fmt(t).padStart(6)} s (${m.seconds.map((s) => fmt(s)).join(', ')})  peak RSS +${fmt(m.peakMiB, 0).padStart(5)} MiB${ratio}${note}`;
}

const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-participant-time-bench-'));
try {
  const endMs = Math.floor(Date.now() / 60_000) * 60_000;
  const dataDir = join(dir, 'store');
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB; ${RUNS} runs per query, wall time median (each run)`);
  const seed = await child<SeedSummary>('./participant-time-seed-run.ts', [dataDir, String(endMs), String(DAYS), String(SESSIONS_PER_DAY)]);
  console.log(
    `seed: ${fmt(seed.rows / 1e6, 1)} M samples rows (${fmt(seed.rowsLastDay / 1e6, 1)} M in the last 24 h), ${seed.sessions} sessions ` +
      `over ${DAYS} d, ${fmt(seed.diskMiB, 0)} MiB on disk, seeded in ${fmt(seed.seconds, 0)} s`,
  );
  const measure = (spec: QuerySpec) => child<Measurement>('./participant-time-measure.ts', [dataDir, String(endMs), String(RUNS), JSON.stringify(spec)]);
  for (const range of RANGES.filter((r) => r.hours <= DAYS * 24)) {
    console.log(`\nlast ${range.label}, ${range.intervalMs / 1000} s interval:`);
    const baseline = await measure({ kind: 'baseline', range: range.label });
    console.log(line(`baseline: ${BASELINE_PANEL.title}`, baseline));
    for (const [index, panel] of PARTICIPANT_PANELS.entries()) {
      const perSecond = await measure({ kind: 'panel', range: range.label, panel: index, formulation: 'per-second' });
      console.log(line(`${panel.title}, per second`, perSecond, baseline));
      const current = await measure({ kind: 'panel', range: range.label, panel: index, formulation: 'current' });
      const same = perSecond.error === undefined && current.error === undefined ? `  rows ${sameRows(perSecond.rows, current.rows) ? 'identical' : 'DIFFER'}` : '';
      console.log(line(`${panel.title}, as generated`, current, baseline, same));
    }
  }
  console.log('\nalert rules (their 30 min / 5 min windows before the end of the seed):');
  const rtt = await measure({ kind: 'rule', id: 'rtt-p95' });
  console.log(line('baseline: rule rtt-p95', rtt));
  console.log(line('rule client-receive-gb-per-hour (uniqExactArray)', await measure({ kind: 'rule', id: 'client-receive-gb-per-hour' }), rtt));
} finally {
  await rm(dir, { recursive: true, force: true });
}
