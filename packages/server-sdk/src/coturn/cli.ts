#!/usr/bin/env -S npx tsx
/**
 * `rtcpulse-coturn`: run next to coturn and report its allocations to the
 * collector.
 *
 *     RTCPULSE_SERVER_KEY=... rtcpulse-coturn --redis redis://127.0.0.1:6379/0 \
 *       --collector https://collector.example.com --node-id turn-eu-1 [--region eu-west] [--interval-s 10]
 */
import { parseArgs } from 'node:util';
import { reportTurn } from '../reporter.js';
import { createCoturnAdapter } from './adapter.js';

function fail(message: string): never {
  process.stderr.write(`rtcpulse-coturn: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    redis: { type: 'string' },
    collector: { type: 'string' },
    'node-id': { type: 'string' },
    region: { type: 'string' },
    'interval-s': { type: 'string', default: '10' },
  },
});
const serverKey = process.env.RTCPULSE_SERVER_KEY;
if (!values.redis || !values.collector || !values['node-id']) fail('--redis, --collector and --node-id are required');
if (!serverKey) fail('set RTCPULSE_SERVER_KEY to the tenant\'s server key');
const intervalS = Number(values['interval-s']);
if (!(intervalS > 0 && intervalS <= 3600)) fail('--interval-s must be between 0 and 3600');

const config = { endpoint: values.collector, serverKey };
const adapter = await createCoturnAdapter({
  redisUrl: values.redis,
  nodeId: values['node-id'],
  ...(values.region ? { region: values.region } : {}),
  intervalMs: intervalS * 1000,
  send: (report) => reportTurn(config, report),
  onError: (error) => process.stderr.write(`rtcpulse-coturn: ${error instanceof Error ? error.message : String(error)}\n`),
});
process.stdout.write(`rtcpulse-coturn: following ${values.redis}, reporting to ${values.collector} every ${intervalS} s\n`);
const keepAlive = setInterval(() => undefined, 1 << 30);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(keepAlive);
    adapter.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
