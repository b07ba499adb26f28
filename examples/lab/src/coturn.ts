import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopperOf } from './stop-child.js';

/** A coturn TURN server started by the lab on 127.0.0.1. */
export interface TurnServer {
  /** `turn:127.0.0.1:<port>?transport=udp` */
  url: string;
  username: string;
  credential: string;
  port: number;
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

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`coturn did not start within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Total (UDP|General) servers/i.test(output)) finish();
    };
    const onExit = (code: number | null): void => finish(new Error(`coturn exited with ${code}:\n${output.slice(-2000)}`));
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  });
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
  child.stderr?.resume();
  try {
    await waitForReady(child, options.timeoutMs ?? 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  child.stdout?.resume();
  const stopChild = stopperOf(child);
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    username,
    credential,
    port,
    async stop() {
      await stopChild();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
