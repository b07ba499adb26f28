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
 * Each collector row also says how many reports its inserts carried on
 * average over the load (each insert: one per table).
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
import { objectBlock, tsvText, type EncodedBlock } from '../src/store/blocks.js';
import { createStore } from '../src/store/store.js';
import { createBatchRecorder } from '../src/telemetry/client-recording.js';
import { createTelemetry } from '../src/telemetry/telemetry.js';
import { runLoad, startChild, type ChildServer, type LoadResult } from './load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1024);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20_000);
const TENANT = 'bench';
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** 200 distinct reports as the collector stores them (browser and OS filled in from the User-Agent header). */
const asStored = Array.from({ length: 200 }, (_, i) => sdkReport({ tenant: TENANT, sessionId: '__SESSION__', batchSeq: i % 5, seed: i }));
const storedTemplates = asStored.map((report) => JSON.stringify(report));

/** The same as the browser SDK sends them: no browser or OS in the meta; the load sends a browser's User-Agent (load.ts). */
const templates = asStored.map((report) => {
  const { browser: _browser, browserVersion: _version, os: _os, ...meta } = report.meta;
  return JSON.stringify({ ...report, meta });
});
const runId = Date.now().toString(36);
const body = (i: number): string => (templates[i % templates.length] as string).replace('__SESSION__', `${runId}-${i}`);
const stored = (i: number): string => (storedTemplates[i % storedTemplates.length] as string).replace('__SESSION__', `${runId}-${i}`);

type Measured = LoadResult & {
  cpuSeconds: number;
  mainThreadCpuSeconds: number;
  /** CPU seconds by thread name, summed over the threads alive at the end (a name's threads are one pool). */
  byThread: Map<string, number>;
  /** Seconds the collector took after the load to insert what it had accepted (0 for bare Fastify). */
  drainSeconds: number;
  /** Reports per insert (each one insert per table) over the load and its drain (0 for bare Fastify). */
  reportsPerInsert: number;
  rssMb: number;
};

interface IngestGauges {
  pendingReports: number;
  spoolRecords: number;
  writerBacklog: number;
  inserts: number;
  insertedReports: number;
}

const ingestGauges = async (server: ChildServer): Promise<IngestGauges> =>
  (await (await fetch(`http://127.0.0.1:${server.port}/bench/ingest`)).json()) as IngestGauges;

/** Wait (at most 120 s) until the collector has inserted everything it accepted and its spool is empty. */
async function drained(server: ChildServer): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < 480; i++) {
    const stats = await ingestGauges(server);
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
  const insertsBefore = collector ? await ingestGauges(server) : undefined;
  const result = await runLoad(url, CONNECTIONS, SECONDS * 1000, body);
  const drainSeconds = collector ? await drained(server) : 0;
  const insertsAfter = collector ? await ingestGauges(server) : undefined;
  const reportsPerInsert =
    insertsBefore && insertsAfter
      ? (insertsAfter.insertedReports - insertsBefore.insertedReports) / Math.max(1, insertsAfter.inserts - insertsBefore.inserts)
      : 0;
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
    reportsPerInsert,
    rssMb: server.rssBytes() / 1048576,
  };
}

async function directInsert(dir: string): Promise<{ perSecond: number; cpuMicros: number }> {
  const store = createStore({ kind: 'embedded', dataDir: dir });
  await store.migrate();
  const perRecord = 2000;
  let reports = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let r = 0; performance.now() - started < SECONDS * 1000; r++) {
    const record = {
      seq: r + 1,
      reports: Array.from({ length: perRecord }, (_, i) => ({
        batch: JSON.parse(stored(r * perRecord + i)) as ReturnType<typeof sdkReport>,
        receivedAt: Date.now(),
      })),
    };
    const rows = recordRows(record);
    const batches = objectBlock(rows.batches);
    const blocks: [string, EncodedBlock | undefined][] = [
      ['samples', rows.samples],
      ['events', rows.events],
      ['batches', batches && { columns: batches.columns, text: tsvText(batches), rows: batches.rows.length }],
    ];
    for (const [table, block] of blocks) {
      if (!block) continue;
      await store.client.exec({
        query: `INSERT INTO ${table} (${block.columns.join(', ')}) FORMAT TabSeparated`,
        values: Readable.from([block.text]),
      });
    }
    reports += perRecord;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await store.close();
  return { perSecond: reports / seconds, cpuMicros: (used.user + used.system) / reports };
}

async function memoryPerSession(server: ChildServer, sessions: number): Promise<number> {
  const memory = async () => (await (await fetch(`http://127.0.0.1:${server.port}/bench/memory`)).json()) as { heapUsed: number; cachedSessions: number };
  const before = await memory();
  const url = new URL(`http://127.0.0.1:${server.port}/v1/reports?key=${TENANT}`);
  const live = (i: number): string => (templates[i % templates.length] as string).replace('__SESSION__', `live-${runId}-${i}`);
  let sent = 0;
  while (sent < sessions) {
    const result = await runLoad(url, 64, 2000, (i) => live(sent + i));
    sent += result.ok + result.failed;
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const after = await memory();
  return (after.heapUsed - before.heapUsed) / Math.max(1, after.cachedSessions - before.cachedSessions);
}

/** In-process cost of the OpenTelemetry recording of one report (all its samples and events), and its SDK calls. */
async function telemetryCost(): Promise<{ microseconds: number; records: number }> {
  const batches = asStored;
  let records = 0;
  const count = createBatchRecorder(() => () => {
    records += 1;
  });
  for (const batch of batches) count(batch);
  const telemetry = createTelemetry({ serviceName: 'bench', cardinalityLimit: 2000 });
  for (let i = 0; i < 1000; i++) telemetry.recordBatch(batches[i % batches.length] as ReportBatch);
  const n = 5000;
  const started = performance.now();
  for (let i = 0; i < n; i++) telemetry.recordBatch(batches[i % batches.length] as ReportBatch);
  const microseconds = ((performance.now() - started) * 1000) / n;
  await telemetry.shutdown();
  return { microseconds, records: records / batches.length };
}

const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-bench-'));
try {
  const fmt = (n: number, digits = 0): string => n.toFixed(digits);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB; ${SECONDS} s per run, ${CONNECTIONS} connections`);
  console.log(`report body: ${templates[0]?.length ?? 0} bytes JSON (1 peer connection, 5 samples, events)`);

  const row = (name: string, r: Measured) =>
    `${name.padEnd(28)} ${fmt(r.perSecond).padStart(8)} reports/s  p50 ${fmt(r.p50Ms, 1).padStart(6)} ms  p99 ${fmt(r.p99Ms, 1).padStart(7)} ms  ` +
    `${fmt(r.ok / Math.max(r.cpuSeconds, 1e-9)).padStart(7)} per CPU-s  RSS ${fmt(r.rssMb)} MB  (${r.failed} non-2xx)` +
    (r.reportsPerInsert > 0 ? `  ${fmt(r.reportsPerInsert)} reports per insert` : '') +
    (r.drainSeconds > 0.3 ? `  inserts done ${fmt(r.drainSeconds, 1)} s after the load` : '');
  const bare = await startChild(here('./bare-fastify.ts'), []);
  const bareResult = await measure(bare, '/v1/reports', false);
  await bare.stop();

  const collector = await startChild(here('./serve-collector.ts'), [join(dir, 'collector')], ['--expose-gc']);
  const collectorResult = await measure(collector, `/v1/reports?key=${TENANT}`, true);
  console.log(row('bare Fastify (discard)', bareResult));
  console.log(row('rtcpulse collector', collectorResult));
  const perSession = await memoryPerSession(collector, SESSIONS);
  await collector.stop();
  // The same collector answering once a report is in the fsync'd spool instead of once ClickHouse has it.
  const spoolAck = await startChild(here('./serve-collector.ts'), [join(dir, 'spool-ack')], ['--expose-gc'], { RTCPULSE_ACK_WAIT_MS: '0' });
  const spoolAckResult = await measure(spoolAck, `/v1/reports?key=${TENANT}`, true);
  await spoolAck.stop();
  console.log(row('collector, ack at spool', spoolAckResult));

  const direct = await directInsert(join(dir, 'direct'));
  const telemetry = await telemetryCost();

  console.log(
    `${'@clickhouse/client direct'.padEnd(28)} ${fmt(direct.perSecond).padStart(8)} reports/s  ` +
      `(rows of 2000 reports per insert, chdb in-process; ${fmt(direct.cpuMicros)} µs CPU per report, JSON parse and rows included)`,
  );
  console.log(
    `collector / bare Fastify: ${fmt((100 * collectorResult.perSecond) / bareResult.perSecond)} % ` +
      `(ack at spool: ${fmt((100 * spoolAckResult.perSecond) / bareResult.perSecond)} %)`,
  );
  const perReport = (seconds: number, r: Measured): string => fmt((1e6 * seconds) / Math.max(r.ok, 1));
  console.log(
    `CPU per report: bare Fastify ${perReport(bareResult.cpuSeconds, bareResult)} µs; collector ${perReport(collectorResult.cpuSeconds, collectorResult)} µs ` +
      `(event-loop thread ${perReport(collectorResult.mainThreadCpuSeconds, collectorResult)} µs, other threads ` +
      `${perReport(collectorResult.cpuSeconds - collectorResult.mainThreadCpuSeconds, collectorResult)} µs)`,
  );
  // chdb names its query pipeline threads ThreadPool and its merge threads MergeMutate; libuv's workers
  // (which run the chdb calls themselves, and file system work) and V8's helpers keep Node's name.
  const groups: [string, (name: string) => boolean][] = [
    ['ClickHouse query pipelines', (n) => n.startsWith('ThreadPool')],
    ['ClickHouse merges', (n) => n.startsWith('MergeMutate')],
    ['libuv workers (chdb calls, fs) and V8 helpers', (n) => n === 'node' || n.startsWith('libuv')],
  ];
  const grouped = groups.map(([label, match]) => [label, [...collectorResult.byThread].filter(([n]) => match(n)).reduce((a, [, sec]) => a + sec, 0)] as const);
  // Whatever no group holds, threads that ended during the run included (the process total still counts them).
  const rest = collectorResult.cpuSeconds - collectorResult.mainThreadCpuSeconds - grouped.reduce((a, [, sec]) => a + sec, 0);
  const split = [...grouped.map(([label, sec]) => `${label} ${perReport(sec, collectorResult)} µs`), `the rest ${perReport(rest, collectorResult)} µs`];
  console.log(`  other threads of the collector, per report: ${split.join(', ')}`);
  console.log(`telemetry recording: ${fmt(telemetry.microseconds)} µs per report in-process (${fmt(telemetry.records)} values recorded)`);
  console.log(`memory per live session: ${fmt(perSession)} bytes of heap (session summary + retry key)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
