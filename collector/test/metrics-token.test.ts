import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { telemetryConfigFromEnv } from '../src/telemetry/config.js';
import { telemetryPlugin } from '../src/telemetry/plugin.js';

async function appWith(env: Record<string, string>) {
  const app = Fastify();
  await app.register(telemetryPlugin, { config: telemetryConfigFromEnv(env) });
  await app.ready();
  return app;
}

describe('GET /metrics access', () => {
  it('is open without RTCPULSE_METRICS_TOKEN', async () => {
    const app = await appWith({});
    try {
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers only the bearer token when RTCPULSE_METRICS_TOKEN is set', async () => {
    const app = await appWith({ RTCPULSE_METRICS_TOKEN: 'scrape-secret-123' });
    try {
      const scrape = (authorization?: string) =>
        app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      const missing = await scrape();
      expect(missing.statusCode).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect(missing.json()).toMatchObject({ message: expect.stringContaining('RTCPULSE_METRICS_TOKEN') });
      expect((await scrape('Bearer scrape-secret-12')).statusCode).toBe(401);
      expect((await scrape('Basic scrape-secret-123')).statusCode).toBe(401);
      const ok = await scrape('Bearer scrape-secret-123');
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    } finally {
      await app.close();
    }
  });
});
