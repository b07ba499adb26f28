import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopperOf } from './stop-child.js';
import { answersStun } from './stun-probe.js';

/** A coturn TURN server on 127.0.0.1, for the lab and the relayed-call tests. */
export interface TurnServer {
  /** `turn:127.0.0.1:<port>?transport=udp` */
  url: string;
  username: string;
  credential: string;
  port: number;
  /** What coturn has written (its last 20,000 characters), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Where Debian's `coturn` package puts the server; override with TURNSERVER_PATH. */
export function turnserverPath(): string {
  const candidates = [process.env.TURNSERVER_PATH, '/usr/bin/turnserver', '/usr/local/bin/turnserver'];
  const found = candidates.find((p): p is string => typeof p === 'string' && existsSync(p));
  if (!found) throw new Error('turnserver not found: install Debian "coturn" or set TURNSERVER_PATH');
  return found;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * The generated configuration: long-term credentials, UDP and TCP on
 * 127.0.0.1 only, relay addresses on 127.0.0.1 too, and loopback peers
 * allowed (coturn refuses them by default, which would make every
 * permission fail in a lab where both peers live on loopback).
 */
export function coturnConfig(options: { port: number; dir: string; username: string; credential: string; minPort: number; redisStatsPort?: number }): string {
  const statistics = options.redisStatsPort === undefined ? [] : [`redis-statsdb="ip=127.0.0.1 dbname=0 port=${options.redisStatsPort}"`];
  return [
    ...statistics,
    `listening-ip=127.0.0.1`,
    `relay-ip=127.0.0.1`,
    `listening-port=${options.port}`,
    `min-port=${options.minPort}`,
    `max-port=${options.minPort + 99}`,
    `realm=rtcpulse.lab`,
    `lt-cred-mech`,
    `user=${options.username}:${options.credential}`,
    `allow-loopback-peers`,
    `allowed-peer-ip=127.0.0.1`,
    `no-tls`,
    `no-dtls`,
    `no-cli`,
    `no-multicast-peers`,
    `userdb=${join(options.dir, 'turndb')}`,
    `pidfile=${join(options.dir, 'turnserver.pid')}`,
    `log-file=stdout`,
    `simple-log`,
    '',
  ].join('\n');
}

/** The last 20,000 characters coturn wrote, for failure messages. */
function captureLog(child: ChildProcess): () => string {
  let log = '';
  const append = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => log;
}

/**
 * Resolves once coturn answers STUN on its UDP port. Its start-up lines are
 * printed before the UDP listener is open, so they are no sign of readiness.
 */
async function waitForReady(child: ChildProcess, port: number, timeoutMs: number, log: () => string): Promise<void> {
  let onExit: ((code: number | null) => void) | undefined;
  const exited = new Promise<never>((_, reject) => {
    onExit = (code) => reject(new Error(`coturn exited with ${code}:\n${log().slice(-2000)}`));
    child.once('exit', onExit);
  });
  const probing = new AbortController();
  try {
    const answered = await Promise.race([answersStun(port, timeoutMs, probing.signal), exited]);
    if (!answered) throw new Error(`coturn did not answer STUN on 127.0.0.1:${port} within ${timeoutMs} ms:\n${log().slice(-2000)}`);
  } finally {
    // coturn exited first: stop probing at once rather than at the timeout.
    probing.abort();
    if (onExit) child.off('exit', onExit);
  }
}

/**
 * Starts coturn with a generated configuration in a temporary directory;
 * `stop()` ends it and removes the directory. With `redisStatsPort`, coturn
 * publishes its allocation statistics to the Redis server on that
 * 127.0.0.1 port (`redis-statsdb`), where the rtcpulse coturn adapter reads them.
 */
export async function startCoturn(options: { timeoutMs?: number; redisStatsPort?: number } = {}): Promise<TurnServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-coturn-'));
  const port = await freeUdpPort();
  const username = 'lab';
  const credential = `lab-${Math.random().toString(36).slice(2, 10)}`;
  const minPort = 40000 + Math.floor(Math.random() * 200) * 100;
  const config = join(dir, 'turnserver.conf');
  await writeFile(config, coturnConfig({ port, dir, username, credential, minPort, redisStatsPort: options.redisStatsPort }));
  const child = spawn(turnserverPath(), ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = captureLog(child);
  const stopChild = stopperOf(child);
  try {
    await waitForReady(child, port, options.timeoutMs ?? 10_000, log);
  } catch (error) {
    await stopChild();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    username,
    credential,
    port,
    log,
    async stop() {
      await stopChild();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
