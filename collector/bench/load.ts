/**
 * An autocannon-like load generator on `node:http`: `connections` keep-alive
 * connections each posting bodies back to back for `durationMs`, recording
 * status codes and latencies. Bounded by time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';

/** Figures of one load run. */
export interface LoadResult {
  readonly seconds: number;
  readonly ok: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Post `body(i)` to `url` from `connections` connections for `durationMs`; 2xx counts as ok. */
/** What a browser sends: the collector reads browser and OS from it (the SDK's batches do not name them). */
const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

export async function runLoad(url: URL, connections: number, durationMs: number, body: (i: number) => string): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const once = (payload: string): Promise<number> =>
    new Promise((resolve) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'user-agent': BROWSER_USER_AGENT } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(payload);
    });
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const payload = body(next++);
      const t = performance.now();
      const status = await once(payload);
      latencies.push(performance.now() - t);
      if (status >= 200 && status < 300) ok += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, () => worker()));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { seconds, ok, failed, perSecond: ok / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}

/** A child server process that printed `listening on http://host:port`. */
export interface ChildServer {
  readonly child: ChildProcess;
  readonly port: number;
  /** User + system CPU seconds the child has used so far (Linux `/proc`). */
  cpuSeconds(): number;
  /** The same for its main (event loop) thread only. */
  mainThreadCpuSeconds(): number;
  /** CPU seconds of each live thread by thread id, with its name (the main thread is named `main`). */
  threadCpu(): Map<string, { name: string; seconds: number }>;
  rssBytes(): number;
  stop(): Promise<void>;
}

/** Start `node --import tsx <script> ...args` (with `env` added to this process's environment) and wait for its port. */
export async function startChild(
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<ChildServer> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
  const stat = (path = `/proc/${child.pid}/stat`): string[] => readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return {
    child,
    port,
    cpuSeconds: () => (Number(stat()[11]) + Number(stat()[12])) / 100,
    mainThreadCpuSeconds: () => {
      const main = stat(`/proc/${child.pid}/task/${child.pid}/stat`);
      return (Number(main[11]) + Number(main[12])) / 100;
    },
    threadCpu: () => {
      const threads = new Map<string, { name: string; seconds: number }>();
      for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
        let line: string;
        try {
          line = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
        } catch {
          continue; // the thread ended between the listing and the read
        }
        const name = tid === String(child.pid) ? 'main' : line.slice(line.indexOf('(') + 1, line.lastIndexOf(')'));
        const fields = line.split(') ')[1]?.split(' ') ?? [];
        threads.set(tid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
      }
      return threads;
    },
    rssBytes: () => Number(stat()[21]) * 4096,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
