import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopperOf } from './stop-child.js';

/** A throwaway redis-server on 127.0.0.1 (no persistence), for coturn's statistics. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>/0` */
  url: string;
  stop(): Promise<void>;
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** Starts Debian's `redis-server` (override with REDIS_SERVER_PATH) and waits until it accepts connections (at most 10 s). */
export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-lab-redis-'));
  const port = await freeTcpPort();
  const child = spawn(process.env.REDIS_SERVER_PATH ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const stopChild = stopperOf(child);
  const stop = async (): Promise<void> => {
    await stopChild();
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await accepts(port)) return { port, url: `redis://127.0.0.1:${port}/0`, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`redis-server did not accept connections on 127.0.0.1:${port} (install Debian "redis-server" or set REDIS_SERVER_PATH)`);
}
