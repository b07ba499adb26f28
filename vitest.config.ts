import { defineConfig } from 'vitest/config';

/**
 * Test tiers, chosen by file name:
 * - unit (`*.test.ts`): pure code — registry, schema, SDK extraction,
 *   generators.
 * - store (`collector/test/**`, `*.store.test.ts`): the collector through
 *   `inject()` and anything else on the real embedded ClickHouse (chdb
 *   allows one data directory per process, so each file gets a fork).
 * - browser (`examples/**` tests, `*.browser.test.ts`): real headless
 *   Chromium running real RTCPeerConnections.
 */
const STORE = ['collector/test/**/*.test.ts', '**/*.store.test.ts'];
const BROWSER = ['examples/**/test/**/*.test.ts', '**/*.browser.test.ts'];
const IGNORED = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'dashboards/test/**/*.test.ts', 'alerts/test/**/*.test.ts'],
          exclude: [...IGNORED, ...STORE, ...BROWSER],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'store',
          include: STORE,
          exclude: [...IGNORED, ...BROWSER],
          // A new series goes out at zero only in each scrape's first sight of it (no 120 s hold): the hold has tests of its own.
          env: { RTCPULSE_METRIC_NEW_SERIES_HOLD_S: '0' },
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: BROWSER,
          exclude: IGNORED,
          env: { RTCPULSE_METRIC_NEW_SERIES_HOLD_S: '0' },
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
