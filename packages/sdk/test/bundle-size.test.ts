import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleEntry } from '../scripts/build.mjs';

/** The core budget: 8 KB minified and gzipped. */
const CORE_BUDGET_BYTES = 8192;

describe('bundle size (deterministic, checked on every test run)', () => {
  it(`keeps the core bundle within ${CORE_BUDGET_BYTES} bytes min+gzip`, async () => {
    const code = await bundleEntry('rtcpulse');
    const gzipped = gzipSync(code).length;
    expect(gzipped).toBeLessThanOrEqual(CORE_BUDGET_BYTES);
  });

  it('keeps the schema runtime and the extras out of the core', async () => {
    const code = new TextDecoder().decode(await bundleEntry('rtcpulse'));
    expect(code).not.toMatch(/TypeBox|sinclair|ReportBatch/);
    expect(code).not.toMatch(/enumerateDevices|getDisplayMedia/);
  });
});
