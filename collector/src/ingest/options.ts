import { join, resolve } from 'node:path';
import type { StoreConfig } from '../store/config.js';
import { settingNumber } from '../env-number.js';

/** How the ingest path batches, spools and pushes back. */
export interface IngestOptions {
  /** Directory of the local spool. */
  readonly spoolDir: string;
  /** Cap on the spool's size; at the cap ingest answers 503 with `Retry-After`. */
  readonly spoolMaxBytes: number;
  /** A flush happens at least this often while reports wait. */
  readonly flushIntervalMs: number;
  /**
   * While the writer is inserting, a due flush waits for it (at most this
   * long after its oldest report arrived), so that the reports arriving
   * during an insert go into the next one together. 0 flushes every
   * `flushIntervalMs` regardless.
   */
  readonly maxHoldMs: number;
  /** A flush happens as soon as this many reports wait. */
  readonly maxRecordReports: number;
  /** Reports held in memory waiting for a flush; beyond it ingest answers 503 (backpressure). */
  readonly maxPendingReports: number;
  /**
   * How long an accepted request waits, once its record is spooled, for the
   * ClickHouse insert before it is answered anyway (the spool holds it).
   * 0 answers as soon as the record is on disk.
   */
  readonly ackWaitMs: number;
  /** `Retry-After` of a 503, in seconds. */
  readonly retryAfterSeconds: number;
  /** Report keys remembered so that a retried report is stored once. */
  readonly recentReports: number;
  /** At start, reports received within this many minutes are loaded into that memory. */
  readonly recentWindowMinutes: number;
  /** On close, how long to keep inserting spooled records before leaving them for the next start. */
  readonly drainTimeoutMs: number;
}

/** Defaults of everything but the spool directory. */
export const INGEST_DEFAULTS: Omit<IngestOptions, 'spoolDir'> = {
  spoolMaxBytes: 512 * 1024 * 1024,
  flushIntervalMs: 250,
  maxHoldMs: 1000,
  maxRecordReports: 2000,
  maxPendingReports: 10_000,
  ackWaitMs: 2000,
  retryAfterSeconds: 5,
  recentReports: 200_000,
  recentWindowMinutes: 60,
  drainTimeoutMs: 5000,
};

/** Default spool directory: inside the embedded data directory, or `.data/spool` next to a server store. */
export function defaultSpoolDir(store: StoreConfig, cwd = process.cwd()): string {
  return store.kind === 'embedded' ? join(store.dataDir, 'rtcpulse-spool') : resolve(cwd, '.data/spool');
}

function positive(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  return settingNumber(name, env[name], { what: 'a non-negative number', min: 0 });
}

/**
 * Options from the environment: `RTCPULSE_SPOOL_DIR`, `RTCPULSE_SPOOL_MAX_MB`,
 * `RTCPULSE_FLUSH_MS`, `RTCPULSE_ACK_WAIT_MS`, over the defaults.
 */
export function ingestOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  store: StoreConfig,
  overrides: Partial<IngestOptions> = {},
): IngestOptions {
  // A spool of 0 MB would refuse every report (503) while the collector reports itself ready.
  const maxMb = settingNumber('RTCPULSE_SPOOL_MAX_MB', env.RTCPULSE_SPOOL_MAX_MB, { what: 'a positive number of MB', above: 0 });
  const flush = positive(env, 'RTCPULSE_FLUSH_MS');
  const ackWait = positive(env, 'RTCPULSE_ACK_WAIT_MS');
  return {
    ...INGEST_DEFAULTS,
    spoolDir: env.RTCPULSE_SPOOL_DIR ? resolve(env.RTCPULSE_SPOOL_DIR) : defaultSpoolDir(store),
    ...(maxMb !== undefined ? { spoolMaxBytes: Math.round(maxMb * 1024 * 1024) } : {}),
    ...(flush !== undefined ? { flushIntervalMs: flush } : {}),
    ...(ackWait !== undefined ? { ackWaitMs: ackWait } : {}),
    ...overrides,
  };
}
