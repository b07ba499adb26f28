import type { Store } from '@rtcpulse/collector';

/**
 * Client samples for the participant-time bench, made inside ClickHouse
 * (`INSERT ... SELECT` from `numbers()`) into the collector's `samples`
 * table: `sessionsPerDay` sessions a day over `days` days (and the hour
 * before), each 10–60 min long with 1–3 peer connections sampled every
 * 2 s (±20 ms, `dur_ms` the time since the connection's previous sample, 0
 * for its first): the first connection for the whole session, a second
 * one added 0.5–60 s late, a third (screen share or reconnect) for part of
 * it; one connection in ten drops 5–30 samples in a row (a network drop).
 */
export interface SeedOptions {
  readonly days: number;
  readonly sessionsPerDay: number;
  /** The end of the seeded time, epoch ms. */
  readonly endMs: number;
}

const TICK_MS = 2000;

/** The seeding statement. */
export function seedSql(options: SeedOptions): string {
  const spanMs = options.days * 86_400_000 + 3_600_000;
  const sessions = Math.round(options.days * options.sessionsPerDay);
  const t0 = options.endMs - spanMs;
  const jitter = (seq: string) => `(toInt64(cityHash64(n, k, ${seq}) % 41) - 20)`;
  return `INSERT INTO samples (tenant, session_id, call_id, participant_id, pc_id, seq, ts, dur_ms, received_at,
  sdk_version, browser, browser_version, os, region, topology, local_candidate_type, rtt_ms, bytes_sent, bytes_received)
SELECT ['tenant-a', 'tenant-b', 'tenant-c'][1 + n % 3], lower(hex(cityHash64(n, 'session'))), concat('call-', toString(intDiv(n, 4))),
  lower(hex(cityHash64(n, 'participant'))), concat('pc-', toString(k)), seq, sample_ts, if(seq = 0, 0, ${TICK_MS} + ${jitter('seq')} - ${jitter('seq - 1')}),
  sample_ts, '0.1.0', ['chrome', 'firefox', 'safari'][1 + n % 3], '120', 'linux', ['eu-west', 'us-east', 'ap-south', 'sa-east'][1 + n % 4], 'sfu',
  if(cityHash64(n, k, 'relay') % 10 = 0, 'relay', 'host'), 20 + cityHash64(n, k, seq) % 200, 25000 * (seq > 0), 250000 * (seq > 0)
FROM (
  SELECT n, k, seq, fromUnixTimestamp64Milli(pc_start + seq * ${TICK_MS} + ${jitter('seq')}) AS sample_ts, drop_at, drop_len
  FROM (
    SELECT n, k, ticks, start_ms + toInt64(cityHash64(n, k) % ${TICK_MS})
        + toInt64(multiIf(k = 0, 0, k = 1, 500 + cityHash64(n, 'late') % 60000, ${TICK_MS} * (cityHash64(n, 'share') % intDiv(ticks, 2)))) AS pc_start,
      toUInt32(multiIf(k = 0, ticks, k = 1, ticks - 30, 30 + cityHash64(n, 'share-len') % intDiv(ticks, 2))) AS samples_of_pc,
      if(cityHash64(n, k, 'drop') % 10 = 0, toUInt32(cityHash64(n, k, 'drop-at') % samples_of_pc), toUInt32(4294967295)) AS drop_at,
      toUInt32(5 + cityHash64(n, k, 'drop-len') % 26) AS drop_len
    FROM (
      SELECT number AS n, toInt64(${t0} + intDiv(number * ${spanMs}, ${sessions}) + cityHash64(number) % 60000) AS start_ms,
        toUInt32(300 + cityHash64(number, 'length') % 1501) AS ticks, toUInt8(1 + cityHash64(number, 'pcs') % 3) AS pcs
      FROM numbers(${sessions})
    )
    ARRAY JOIN range(pcs) AS k
  )
  ARRAY JOIN range(samples_of_pc) AS seq
)
WHERE NOT (seq >= drop_at AND seq < drop_at + drop_len) AND sample_ts <= fromUnixTimestamp64Milli(${options.endMs})`;
}

/** What the seed holds. */
export interface SeedSummary {
  readonly rows: number;
  readonly sessions: number;
  readonly rowsLastDay: number;
  readonly diskMiB: number;
  readonly seconds: number;
}

/**
 * Seed `store` (migrated): the quality rollups' materialized views are
 * dropped first (the panels measured read `samples` itself, and feeding the
 * rollups would triple the seeding time).
 */
export async function seedStore(store: Store, options: SeedOptions): Promise<SeedSummary> {
  const query = async <T>(sql: string): Promise<T[]> => (await store.client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  const views = await query<{ name: string }>("SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'");
  for (const view of views) await store.client.command({ query: `DROP VIEW ${view.name}` });
  const started = performance.now();
  await store.client.command({ query: seedSql(options) });
  const seconds = (performance.now() - started) / 1000;
  const [counts] = await query<{ rows: string; sessions: string; last_day: string }>(
    `SELECT count() AS rows, uniqExact(session_id) AS sessions, countIf(ts > fromUnixTimestamp64Milli(${options.endMs - 86_400_000})) AS last_day FROM samples`,
  );
  const [disk] = await query<{ bytes: string }>("SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND table = 'samples'");
  return {
    rows: Number(counts?.rows),
    sessions: Number(counts?.sessions),
    rowsLastDay: Number(counts?.last_day),
    diskMiB: Number(disk?.bytes) / 2 ** 20,
    seconds,
  };
}
