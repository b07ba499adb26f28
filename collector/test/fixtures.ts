import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ReportBatch, ReportEvent, Sample } from '@rtcpulse/schema';
import type { ServerScope, TenantsConfig } from '../src/auth/tenants.js';
import { buildApp, type AppOptions, type CollectorApp } from '../src/index.js';
import { SAMPLE_INTERVAL_MS as INTERVAL_MS } from '../fault/sdk-reports.js';
import { testStoreConfig } from './test-store.js';

/** A fresh data directory for this test file's embedded store (one per process). */
export function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rtcpulse-collector-'));
}

/** Remove a directory made by {@link tempDataDir} (after the app using it is closed). */
export function removeDir(dir: string | undefined): Promise<void> {
  return dir ? rm(dir, { recursive: true, force: true }) : Promise.resolve();
}

/** Server key of the `acme-public-key` test tenant (scopes read, events, admin). */
export const TEST_SERVER_KEY = 'acme-server-key-for-tests-only';

/** Tenants of the store tests: each id is also its public key, usable from any origin. */
export const TEST_TENANTS: TenantsConfig = {
  tenants: ['acme-public-key', 'tenant-a', 'tenant-b'].map((id) => ({
    id,
    publicKeys: [{ key: id, origins: ['*'] }],
    serverKeys: id === 'acme-public-key' ? [{ id: 'acme-server', key: TEST_SERVER_KEY, scopes: ['read', 'events', 'admin'] as ServerScope[] }] : [],
  })),
};

/** The collector on an embedded store in `dataDir` (or the `CLICKHOUSE_URL` server, see `testStoreConfig`), with the {@link TEST_TENANTS}. */
export async function appOn(dataDir: string, options: Partial<AppOptions> = {}): Promise<CollectorApp> {
  return buildApp({ store: await testStoreConfig(dataDir), security: { tenants: TEST_TENANTS }, ...options });
}

/**
 * One collector for the whole test file: started before its tests on a
 * fresh {@link tempDataDir} (handed to `use`), closed and removed after them.
 */
export function onAppPerFile(use: (app: CollectorApp) => void, options: Partial<AppOptions> = {}): void {
  let app: CollectorApp | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await tempDataDir();
    app = await appOn(dataDir, options);
    use(app);
  });
  afterAll(async () => {
    await app?.close();
    await removeDir(dataDir);
  });
}

/**
 * One collector for the whole test file, opened by `open` on a fresh
 * {@link tempDataDir} and handed to `use` with that directory (again after
 * each reopen); closed and removed after the file's tests. The returned
 * `reopen(between)` closes it, runs `between` while it is closed (a CLI on
 * the data directory), and opens it again on the same directory, also when
 * `between` throws.
 */
export function appPerFile(
  open: (dataDir: string) => Promise<CollectorApp>,
  use: (app: CollectorApp, dataDir: string) => void,
): (between?: () => Promise<void>) => Promise<void> {
  let app: CollectorApp | undefined;
  let dataDir: string | undefined;
  const start = async (dir: string): Promise<void> => {
    app = await open(dir);
    use(app, dir);
  };
  beforeAll(async () => {
    dataDir = await tempDataDir();
    await start(dataDir);
  });
  afterAll(async () => {
    await app?.close();
    await removeDir(dataDir);
  });
  return async (between) => {
    if (!dataDir) throw new Error('reopen before the file\'s collector was opened');
    await app?.close();
    try {
      await between?.();
    } finally {
      await start(dataDir);
    }
  };
}

export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

function sample(pc: string, seq: number, pcIndex: number): Sample {
  const wave = seq + pcIndex * 10;
  return {
    pc,
    seq,
    ts: T0 + seq * INTERVAL_MS,
    dur: seq === 0 ? 0 : INTERVAL_MS,
    conn: {
      rtt_ms: 40 + wave,
      available_outgoing_bitrate_kbps: 2500 - wave,
      bytes_sent: 300_000 + wave * 1000,
      bytes_received: 280_000 + wave * 1000,
    },
    streams: {
      audio_in: { packet_loss_pct: 0.5 * seq, jitter_ms: 3 + seq, bitrate_kbps: 32, packets: 100, packets_lost: seq, concealment_pct: 0.1 },
      audio_out: { packet_loss_pct: 0, jitter_ms: 2, rtt_ms: 41 + wave, bitrate_kbps: 32, packets: 100, packets_lost: 0 },
      video_in: {
        packet_loss_pct: 1,
        jitter_ms: 8,
        bitrate_kbps: 1200 + wave,
        frame_rate_fps: 30,
        frame_height_px: 720,
        freeze_count: seq === 3 ? 1 : 0,
        freeze_time_pct: seq === 3 ? 12.5 : 0,
        jitter_buffer_delay_ms: 60,
        packets: 220,
        packets_lost: 2,
      },
      video_out: { bitrate_kbps: 1500, frame_rate_fps: 30, frame_height_px: 720, quality_limited_pct: 0, rtt_ms: 42 },
    },
    labels: {
      local_candidate_type: pcIndex === 0 ? 'host' : 'relay',
      remote_candidate_type: 'srflx',
      ...(pcIndex === 1 ? { relay_protocol: 'udp' } : {}),
      network_type: 'wifi',
      quality_limitation_reason: 'none',
    },
  };
}

const EVENTS: ReportEvent[] = [
  { ts: T0 - 500, type: 'session.start' },
  { pc: 'pc-a', ts: T0 - 400, type: 'pc.added' },
  { pc: 'pc-b', ts: T0 - 390, type: 'pc.added' },
  { pc: 'pc-a', ts: T0 - 200, type: 'ice.pair.formed', value: 182 },
  { pc: 'pc-a', ts: T0 - 150, type: 'connection.state', state: 'connected' },
  { pc: 'pc-b', ts: T0 - 100, type: 'error', name: 'OperationError', stage: 'setRemoteDescription', message: 'bad sdp' },
];

/** A realistic batch: 2 peer connections x 5 samples, with connection, stream and label values, plus events. */
export function makeBatch(overrides: Partial<ReportBatch> = {}): ReportBatch {
  const samples: Sample[] = [];
  for (let seq = 0; seq < 5; seq++) {
    samples.push(sample('pc-a', seq, 0), sample('pc-b', seq, 1));
  }
  return {
    v: 1,
    sdkVersion: '0.1.0',
    tenant: 'acme-public-key',
    sessionId: 'sess-1',
    callId: 'call-42',
    participantId: 'alice',
    batchSeq: 0,
    sentAt: Date.now(), // the SDK stamps each attempt: no clock skew to correct
    meta: { browser: 'chrome', browserVersion: '156', os: 'linux', region: 'eu-west', topology: 'p2p' },
    dropped: { samples: 2, events: 0 },
    samples,
    events: EVENTS,
    ...overrides,
  };
}

/** The public key a test body names (its `tenant`), or the acme key for bodies without one. */
function keyOf(body: unknown): string {
  const tenant = body && typeof body === 'object' ? (body as { tenant?: unknown }).tenant : undefined;
  return typeof tenant === 'string' ? tenant : 'acme-public-key';
}

/** `POST /v1/reports?key=<body tenant>` with a JSON body (or a raw string), as JSON unless headers say otherwise. */
export function postBatch(app: CollectorApp, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: `/v1/reports?key=${encodeURIComponent(keyOf(body))}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Run a query on the app's store and return its rows. */
export async function select<T>(app: CollectorApp, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await app.store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/** Row counts of the three tables for one session. */
export async function countsFor(app: CollectorApp, sessionId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['samples', 'events', 'batches']) {
    const [row] = await select<{ n: number | string }>(
      app,
      `SELECT count() AS n FROM ${table} WHERE session_id = {sessionId:String}`,
      { sessionId },
    );
    counts[table] = Number(row?.n);
  }
  return counts;
}

/** Polls `done` every 200 ms for at most `ms`; resolves with its last answer. */
export async function waitFor(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return done();
}

/**
 * `GET /metrics` with every series at its value: a series goes out at zero
 * the first time a scrape sees it (so that Prometheus counts its first
 * increase, see `RegistryAggregates.producer`), so this scrapes twice and
 * answers the second scrape.
 */
export async function scrapeMetrics(app: CollectorApp, headers: Record<string, string> = {}) {
  await app.inject({ method: 'GET', url: '/metrics', headers });
  return app.inject({ method: 'GET', url: '/metrics', headers });
}
