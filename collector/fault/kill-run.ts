/**
 * The "kill -9" fault: the real collector (`collector/src/server.ts`) runs
 * as a child process on an embedded store (or CLICKHOUSE_URL), reports are
 * posted to it over loopback HTTP, and at random moments under that load it
 * is killed with SIGKILL and started again on the same data directory. Like
 * the SDK, the load retries every report that got no answer (same
 * `batchSeq`) once the collector is back. At the end the collector is
 * stopped with SIGTERM and ClickHouse is read directly: every acknowledged
 * report must be there exactly once. Loops are bounded in count and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { reportKey } from '../src/store/record.js';
import { sdkReport } from './sdk-reports.js';
import { seededRandom } from './sdk-reports.js';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));
/** The zero-config tenant of `server.ts` (public key `demo`). */
export const KILL_TENANT = 'demo';

/** Size of a run. */
export interface KillRunOptions {
  readonly dataDir: string;
  readonly kills: number;
  /** Load between two kills lasts a random time in this range. */
  readonly minLoadMs: number;
  readonly maxLoadMs: number;
  readonly concurrency: number;
  readonly seed?: number;
  /** Extra environment of the collector (for example `CLICKHOUSE_DATABASE`). */
  readonly env?: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
}

/** A running collector child. */
interface Collector {
  readonly child: ChildProcess;
  readonly port: number;
}

async function startCollector(dataDir: string, extraEnv: Readonly<Record<string, string>> = {}): Promise<Collector> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', '0', '--data-dir', dataDir], {
    // The audit key inside the run's own directory (its default is beside the data directory, here the shared temp dir).
    env: { ...process.env, LOG_LEVEL: 'error', RTCPULSE_AUDIT_KEY_FILE: join(dataDir, 'audit-hmac.key'), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start in time:\n${output}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, port };
}

function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: `/v1/reports?key=${KILL_TENANT}`, method: 'POST', agent, headers: { 'content-type': 'application/json' }, timeout: 30_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

/** What a run did; the check compares `acked` with the store (see `stored-check.ts`). */
export interface KillRunResult {
  readonly kills: number;
  readonly sent: number;
  readonly acked: ReadonlySet<string>;
  /** Answers lost to a kill and retried after the restart. */
  readonly retried: number;
}

/** Run the load with kills; the caller reads the data directory afterwards (the last collector is stopped gracefully). */
export async function runKillRestart(options: KillRunOptions): Promise<KillRunResult> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed ?? 42);
  const acked = new Set<string>();
  let unanswered: { key: string; body: string }[] = [];
  let next = 0;
  let sent = 0;
  let retried = 0;
  let collector = await startCollector(options.dataDir, options.env);
  for (let phase = 0; phase <= options.kills; phase++) {
    const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    const retry = unanswered;
    unanswered = [];
    retried += retry.length;
    let loading = true;
    const worker = async (): Promise<void> => {
      while (loading) {
        const queued = retry.pop();
        const body = queued?.body ?? JSON.stringify(sdkReport({ tenant: KILL_TENANT, sessionId: `kill-${Math.floor(next / 3)}`, batchSeq: next++ % 3 }));
        const key = queued?.key ?? reportKey(JSON.parse(body) as { tenant: string; sessionId: string; batchSeq: number });
        sent += 1;
        const status = await post(agent, collector.port, body);
        if (status === 202) acked.add(key);
        else unanswered.push({ key, body });
      }
    };
    const workers = Array.from({ length: options.concurrency }, () => worker());
    const loadMs = options.minLoadMs + random() * (options.maxLoadMs - options.minLoadMs);
    await new Promise((resolve) => setTimeout(resolve, loadMs));
    if (phase < options.kills) {
      collector.child.kill('SIGKILL');
      loading = false;
      await Promise.all(workers);
      await once(collector.child, 'exit').catch(() => undefined);
      log(`kill ${phase + 1}: SIGKILL after ${Math.round(loadMs)} ms; ${acked.size} acknowledged so far, ${unanswered.length} unanswered`);
      collector = await startCollector(options.dataDir, options.env);
    } else {
      loading = false;
      await Promise.all(workers);
    }
    agent.destroy();
  }
  // The last unanswered reports (refused or lost) are retried once more before the graceful stop.
  const agent = new Agent({ keepAlive: true });
  for (const { key, body } of unanswered.splice(0)) {
    retried += 1;
    if ((await post(agent, collector.port, body)) === 202) acked.add(key);
  }
  agent.destroy();
  collector.child.kill('SIGTERM');
  await once(collector.child, 'exit');
  return { kills: options.kills, sent, acked, retried };
}
