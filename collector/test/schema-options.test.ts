import { METRICS, sampleColumns, type MetricDefinition } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../src/cli/args.js';
import { storeConfigFromEnv, ttlDaysFromEnv } from '../src/store/config.js';
import { migrationStatements, samplesTable, tables } from '../src/store/ddl.js';
import { MIN_CLICKHOUSE_VERSION, versionProblem } from '../src/store/migrate.js';
import { CONNECTION_ROLLUP, STREAM_ROLLUP, connectionRollupMetrics, rollupTables, rollupViews, streamRollupMetrics } from '../src/store/rollups.js';
import { SESSION_FIGURES, SESSION_TOTALS, sessionsTable } from '../src/store/sessions-table.js';
import { currentTtl, ttlChangeSql, ttlClause } from '../src/store/ttl.js';

const CLUSTER = { cluster: 'rtc_cluster' };

describe('--cluster DDL', () => {
  const statements = migrationStatements(CLUSTER);

  it('runs every statement ON CLUSTER', () => {
    for (const s of statements) expect(s).toContain('ON CLUSTER `rtc_cluster`');
  });

  it('creates a replicated local table and a Distributed table with the plain name for every table', () => {
    for (const table of [...tables(), ...rollupTables()]) {
      const local = statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table.name}_local `));
      expect(local, table.name).toBeDefined();
      const kind = table.engine?.kind ?? 'MergeTree';
      expect(local).toContain(`ENGINE = Replicated${kind}('/clickhouse/tables/{shard}/{database}/${table.name}_local', '{replica}'`);
      expect(local).toContain('replicated_deduplication_window = ');
      const distributed = statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table.name} ON CLUSTER`));
      expect(distributed).toContain(`AS ${table.name}_local`);
      expect(distributed).toContain(`ENGINE = Distributed('rtc_cluster', currentDatabase(), ${table.name}_local, `);
    }
  });

  it('keeps the version column of the sessions table and shards sessions by tenant and session', () => {
    expect(statements.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS sessions_local'))).toContain(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/sessions_local', '{replica}', version)",
    );
    expect(statements.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS samples ON'))).toContain(
      'cityHash64(tenant, session_id)',
    );
  });

  it('feeds the local rollups from the local samples table', () => {
    for (const view of rollupViews()) {
      const sql = statements.find((s) => s.includes(`MATERIALIZED VIEW IF NOT EXISTS ${view.name} `));
      expect(sql).toContain(`TO ${view.target}_local AS`);
      expect(sql).toContain('FROM samples_local AS src');
    }
  });

  it('adds new columns to both the local and the Distributed table', () => {
    expect(statements).toContainEqual(expect.stringMatching(/^ALTER TABLE samples_local ON CLUSTER `rtc_cluster`\n {2}ADD COLUMN IF NOT EXISTS/));
    expect(statements).toContainEqual(expect.stringMatching(/^ALTER TABLE samples ON CLUSTER `rtc_cluster`\n {2}ADD COLUMN IF NOT EXISTS/));
  });

  it('leaves the single-node DDL exactly as without the option', () => {
    const plain = migrationStatements();
    expect(migrationStatements({})).toEqual(plain);
    expect(migrationStatements({ ttlDays: {} })).toEqual(plain);
    for (const s of plain) expect(s).not.toMatch(/ON CLUSTER|Replicated|Distributed|_local\b/);
  });

  it('is chosen by --cluster or RTCPULSE_CLUSTER, and refuses odd names', () => {
    expect(parseServerArgs(['--cluster', 'rtc_cluster'], {})).toMatchObject({ cluster: 'rtc_cluster' });
    expect(storeConfigFromEnv({}, { cwd: '/srv', cluster: 'c1' })).toMatchObject({ schema: { cluster: 'c1' } });
    expect(storeConfigFromEnv({ RTCPULSE_CLUSTER: 'c2' }, { cwd: '/srv' })).toMatchObject({ schema: { cluster: 'c2' } });
    expect(() => storeConfigFromEnv({}, { cwd: '/srv', cluster: 'x`; DROP' })).toThrow(/invalid cluster name/);
  });
});

describe('retention', () => {
  it('reads RTCPULSE_TTL_DAYS_<TABLE> per table', () => {
    expect(ttlDaysFromEnv({ RTCPULSE_TTL_DAYS_SAMPLES: '30', RTCPULSE_TTL_DAYS_QUALITY_CONN_1M: '400', PATH: '/bin' })).toEqual({
      samples: 30,
      quality_conn_1m: 400,
    });
    expect(() => ttlDaysFromEnv({ RTCPULSE_TTL_DAYS_SAMPLES: 'forever' })).toThrow(/whole number of days/);
    expect(storeConfigFromEnv({ RTCPULSE_TTL_DAYS_EVENTS: '7' }, { cwd: '/srv' })).toMatchObject({
      schema: { ttlDays: { events: 7 } },
    });
  });

  it('writes the TTL into CREATE and changes it only when the setting differs', () => {
    const options = { ttlDays: { samples: 30 } };
    expect(ttlClause(samplesTable(), options)).toBe('toDateTime(received_at) + toIntervalDay(30)');
    expect(migrationStatements(options)[0]).toContain('TTL toDateTime(received_at) + toIntervalDay(30)');
    const created = "CREATE TABLE default.samples (`x` Int8) ENGINE = MergeTree ORDER BY x TTL toDateTime(received_at) + toIntervalDay(30) SETTINGS index_granularity = 8192";
    expect(currentTtl(created)).toBe('toDateTime(received_at) + toIntervalDay(30)');
    expect(ttlChangeSql(samplesTable(), options, created)).toBeUndefined();
    expect(ttlChangeSql(samplesTable(), { ttlDays: { samples: 7 } }, created)).toBe(
      'ALTER TABLE samples MODIFY TTL toDateTime(received_at) + toIntervalDay(7)',
    );
    expect(ttlChangeSql(samplesTable(), {}, created)).toBe('ALTER TABLE samples REMOVE TTL');
    expect(ttlChangeSql(samplesTable(), {}, 'CREATE TABLE default.samples (`x` Int8) ENGINE = MergeTree ORDER BY x')).toBeUndefined();
  });
});

describe('rollups and session figures follow the registry', () => {
  const registry: readonly MetricDefinition[] = METRICS;
  const histograms = (scope: string) => registry.filter((m) => m.scope === scope && m.instrument === 'histogram');

  it('roll up every connection and stream histogram metric, and nothing else', () => {
    expect(connectionRollupMetrics().map((c) => c.metric.key).sort()).toEqual(histograms('connection').map((m) => m.key).sort());
    expect([...streamRollupMetrics()].sort()).toEqual([...new Set(histograms('stream').map((m) => m.key))].sort());
    const [conn, stream] = rollupTables();
    expect(conn?.name).toBe(CONNECTION_ROLLUP);
    expect(stream?.name).toBe(STREAM_ROLLUP);
    expect(stream?.orderBy).toEqual(expect.arrayContaining(['tenant', 'minute', 'region', 'browser', 'os', 'candidate_type', 'media_kind', 'direction']));
    expect(conn?.engine).toEqual({ kind: 'AggregatingMergeTree' });
  });

  it('derive session figures from existing samples columns', () => {
    const columns = new Set(sampleColumns().map((c) => c.column));
    for (const figure of [...SESSION_FIGURES, ...SESSION_TOTALS]) {
      for (const column of figure.columns) expect(columns, `${figure.name}: ${column}`).toContain(column);
    }
    const sessions = sessionsTable();
    expect(sessions.engine).toEqual({ kind: 'ReplacingMergeTree', version: 'version' });
    expect(sessions.orderBy).toEqual(['tenant', 'session_id']);
  });
});

describe('server version', () => {
  it('names both the server version and the minimum when refusing', () => {
    const [major, minor] = MIN_CLICKHOUSE_VERSION;
    expect(versionProblem('18.16.1')).toBe(`ClickHouse 18.16.1 is too old for rtcpulse: ${major}.${minor} or newer is required`);
    expect(versionProblem('')).toMatch(/\(unknown version\).*22\.8/);
    expect(versionProblem('26.7.2.1')).toBeUndefined();
    expect(versionProblem(`${major}.${minor}.1`)).toBeUndefined();
  });
});
