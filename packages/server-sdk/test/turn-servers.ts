import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolve once something accepts TCP connections on the port; bounded to `attempts` × 100 ms. */
export async function waitForPort(port: number, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** redis-server and coturn on loopback, in a temporary directory. */
export interface TurnLab {
  readonly redisUrl: string;
  readonly turnUrl: string;
  readonly username: string;
  readonly credential: string;
  /** What coturn wrote, for failure messages. */
  turnLog(): string;
  stop(): Promise<void>;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Start redis-server and turnserver (long-term credentials, loopback peers
 * allowed, statistics to Redis with `--redis-statsdb`), each on a free port.
 */
export async function startTurnLab(): Promise<TurnLab> {
  const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-turn-'));
  const redisPort = await freePort();
  const turnPort = await freePort();
  const relayBase = 41000 + Math.floor(Math.random() * 20) * 500;
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  await waitForPort(redisPort);
  let log = '';
  const turn = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${turnPort}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + 499}`,
      '--lt-cred-mech',
      '--user=rtcpulse:relay-secret',
      '--realm=rtcpulse.test',
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      `--userdb=${join(dir, 'turndb')}`,
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      '--log-file=stdout',
      `--redis-statsdb=ip=127.0.0.1 dbname=0 port=${redisPort}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  turn.stdout?.on('data', append);
  turn.stderr?.on('data', append);
  await waitForPort(turnPort);
  return {
    redisUrl: `redis://127.0.0.1:${redisPort}/0`,
    turnUrl: `turn:127.0.0.1:${turnPort}?transport=udp`,
    username: 'rtcpulse',
    credential: 'relay-secret',
    turnLog: () => log,
    async stop() {
      await stopProcess(turn);
      await stopProcess(redis);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
