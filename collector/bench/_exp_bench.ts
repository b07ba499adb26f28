/**
 * `npm run bench -- ingest`: reports per second the collector sustains,
 * with p50/p99 ingest latency, beside two baselines measured in the same
 * run on the same bodies:
 *  - bare Fastify accepting and discarding them (its own process),
 *  - `@clickhouse/client` on embedded chdb inserting the same rows directly
 *    (in this process, 2000 reports per insert, the same TabSeparated
 *    encoding, no HTTP, spool or session summaries).
 * A report is one request carrying one peer connection's batch of five
 * samples (10 s at the SDK's 2 s interval) with its events, built from the
 * registry (`collector/fault/sdk-reports.ts`). Servers run as child
 * processes so that their CPU time is theirs: "per core" is reports per
 * CPU-second of the server process. Memory per live session is the live
 * heap growth of the collector per session after one report from each of
 * many (`BENCH_SESSIONS`) sessions. "CPU per report" splits the
 * collector's CPU between its event-loop thread and its other threads
 * (chdb's queries and merges, V8's GC helpers, file system work). The
 * collector runs twice: answering once ClickHouse has a report (the
 * default) and once it is in the fsync'd spool (`RTCPULSE_ACK_WAIT_MS=0`).
 * The telemetry line is the in-process cost of the OpenTelemetry recording of
 * one report and how many values it records.
 * `BENCH_SECONDS` and `BENCH_CONNECTIONS` size the runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReportBatch } from '@rtcpulse/schema';
import { sdkReport } from '../fault/sdk-reports.js';
import { recordRows } from '../src/store/record.js';
import { Readable } from 'node:stream';
import { objectBlock, tsvText, type Block } from '../src/store/blocks.js';
import { createStore } from '../src/store/store.js';
import { createBatchRecorder } from '../src/telemetry/client-recording.js';
import { createTelemetry } from '../src/telemetry/telemetry.js';
import { runLoad, startChild, type ChildServer, type LoadResult } from './load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1024);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20_000);
const TENANT = 'bench';
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** 200 distinct report bodies; each request gets a unique session id (no retry deduplication). */
const templates = Array.from({ length: 200 }, (_, i) =>
  JSON.stringify(sdkReport({ tenant: TENANT, sessionId: '__SESSION__', batchSeq: i % 5, seed: i })),
);
const runId = Date.now().toString(36);
const body = (i: number): string => (templates[i % templates.length] as string).replace('__SESSION__', `${runId}-${i}`);

type Measured = LoadResult & {
  cpuSeconds: number;
  mainThreadCpuSeconds: number;
  /** CPU seconds by thread name, summed over the threads alive at the end (a name's threads are one pool). */
  byThread: Map<string, number>;
  /** Seconds the collector took after the load to insert what it had accepted (0 for bare Fastify). */
  drainSeconds: number;
  rssMb: number;
};

/** Wait (at most 120 s) until the collector has inserted everything it accepted and its spool is empty. */
async function drained(server: ChildServer): Promise<number> {
  const started = performance.now();
  const url = `http://127.0.0.1:${server.port}/bench/ingest`;
  for (let i = 0; i < 480; i++) {
    const stats = (await (await fetch(url)).json()) as { pendingReports: number; spoolRecords: number; writerBacklog: number };
    if (stats.pendingReports + stats.spoolRecords + stats.writerBacklog === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (performance.now() - started) / 1000;
}

/**
 * Load `server` for `SECONDS`; for a collector, CPU is read once it has
 * also inserted everything accepted (answering at the spool leaves inserts
 * behind when the load stops, and their cost belongs to those reports).
 */
async function measure(server: ChildServer, path: string, collector: boolean): Promise<Measured> {
  const url = new URL(`http://127.0.0.1:${server.port}${path}`);
  await runLoad(url, 16, 1000, body); // warm-up
  if (collector) await drained(server);
  const cpu = server.cpuSeconds();
  const mainCpu = server.mainThreadCpuSeconds();
  const before = server.threadCpu();
  const result = await runLoad(url, CONNECTIONS, SECONDS * 1000, body);
  const drainSeconds = collector ? await drained(server) : 0;
  const byThread = new Map<string, number>();
  for (const [tid, thread] of server.threadCpu()) {
    const name = thread.name.replace(/\d+$/, '');
    byThread.set(name, (byThread.get(name) ?? 0) + thread.seconds - (before.get(tid)?.seconds ?? 0));
  }
  return {
    ...result,
    cpuSeconds: server.cpuSeconds() - cpu,
    mainThreadCpuSeconds: server.mainThreadCpuSeconds() - mainCpu,
    byThread,
    drainSeconds,
    rssMb: server.rssBytes() / 1048576,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-exp-'));
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (k.startsWith('EXP_') || k.startsWith('RTCPULSE_')) env[k] = v as string;
const c = await startChild(here('./serve-collector.ts'), [join(dir, 'c')], ['--expose-gc', ...(process.env.EXP_FLAGS ? process.env.EXP_FLAGS.split(' ') : []), ...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [])], env);
const r = await measure(c, `/v1/reports?key=${TENANT}`, true);
await c.stop();
const per = (s: number) => ((1e6 * s) / r.ok).toFixed(0);
const g = (p: (n: string) => boolean) => [...r.byThread].filter(([n]) => p(n)).reduce((a, [, s]) => a + s, 0);
console.log([...r.byThread].sort((a, b) => b[1] - a[1]).map(([n, s]) => `${n} ${per(s)}`).join(", "));
console.log(`${JSON.stringify(env)} ${r.perSecond.toFixed(0)}/s p50 ${r.p50Ms.toFixed(0)} p99 ${r.p99Ms.toFixed(0)} ${(r.ok / r.cpuSeconds).toFixed(0)} per CPU-s; CPU/report ${per(r.cpuSeconds)} µs main ${per(r.mainThreadCpuSeconds)} pipelines ${per(g((n) => n.startsWith('ThreadPool')))} merges ${per(g((n) => n.startsWith('MergeMutate')))} libuv+v8 ${per(g((n) => n === 'node' || n.startsWith('libuv')))} drain ${r.drainSeconds.toFixed(1)} s failed ${r.failed}`);
await rm(dir, { recursive: true, force: true });
