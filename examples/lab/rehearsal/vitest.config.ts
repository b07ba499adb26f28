import { defineConfig } from 'vitest/config';

/**
 * The alert rehearsal: lab scenarios followed by native evaluation of every
 * rule. Kept out of `npm test` for now because real calls on a loaded 2-core
 * machine occasionally freeze video in the clean scenario and fire the
 * freeze alert; run it with `npx vitest run --config examples/lab/rehearsal/vitest.config.ts`.
 */
export default defineConfig({
  test: {
    include: ['examples/lab/rehearsal/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
