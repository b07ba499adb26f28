import { defineConfig } from 'vitest/config';

/**
 * Test tiers:
 * - unit: pure code next to each package (schema, registry, SDK extraction).
 * - store: the collector through `inject()` on the real embedded ClickHouse
 *   (chdb allows one data directory per process, so each file gets a fork).
 * - browser: real headless Chromium running real RTCPeerConnections.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'dashboards/test/**/*.test.ts', 'alerts/test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'store',
          include: ['collector/test/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['examples/test/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
