// Test helper: where the dumps are. The shared rtcstats dumps come from
// real Chrome, Firefox and Safari calls; the two Chromium 156 files were
// recorded here by test/fixtures/record-chromium-dumps.mjs (the same call
// exported both as a webrtc-internals dump and as Chrome's own rtcstats dump).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The shared rtcstats dumps folder (repo/../shared/fixtures/rtcstats-dumps). */
export const SHARED_DUMPS = fileURLToPath(new URL('../../../../shared/fixtures/rtcstats-dumps/', import.meta.url));
/** This package's own fixtures. */
export const OWN_FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const INTERNALS_FIXTURE = `${OWN_FIXTURES}webrtc-internals-chromium156.json.gz`;
export const CHROME_NATIVE_FIXTURE = `${OWN_FIXTURES}chromium156-native.rtcstats.gz`;

/** Names of the shared dumps, sorted. */
export function sharedDumps(): string[] {
  return readdirSync(SHARED_DUMPS)
    .filter((name) => name.endsWith('.rtcstats'))
    .sort();
}

/** A file's text, gunzipped when it ends in `.gz`. */
export function readText(path: string): string {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}
