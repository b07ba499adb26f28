import { SAMPLE_LABELS, sampleColumns } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import {
  addColumnsSql,
  checkTable,
  createTableSql,
  migrationStatements,
  samplesTable,
  tables,
} from '../src/store/ddl.js';
import { parseVersion } from '../src/store/migrate.js';

describe('store/ddl', () => {
  it('gives samples a Nullable(Float64) column per registry column and a LowCardinality one per label', () => {
    const columns = new Map(samplesTable().columns.map((c) => [c.name, c.type]));
    for (const c of sampleColumns()) expect(columns.get(c.column)).toBe('Nullable(Float64)');
    for (const label of SAMPLE_LABELS) expect(columns.get(label.key)).toBe('LowCardinality(String)');
    expect(columns.get('ts')).toBe("DateTime64(3, 'UTC')");
    expect(columns.get('tenant')).toBe('LowCardinality(String)');
  });

  it('creates MergeTree tables partitioned by receive day with the agreed sorting keys', () => {
    const sql = createTableSql(samplesTable());
    expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS samples\n/);
    expect(sql).toContain('ENGINE = MergeTree');
    expect(sql).toContain('PARTITION BY toYYYYMMDD(received_at)');
    expect(sql).toContain('INDEX ts_minmax ts TYPE minmax GRANULARITY 1');
    expect(sql).toContain('ORDER BY (tenant, session_id, pc_id, ts, seq)');
    expect(sql).toContain('SETTINGS non_replicated_deduplication_window = ');
  });

  it('adds every non-key column IF NOT EXISTS in one ALTER per table', () => {
    const sql = addColumnsSql(samplesTable());
    expect(sql).toMatch(/^ALTER TABLE samples\n/);
    expect(sql).toContain('ADD COLUMN IF NOT EXISTS rtt_ms Nullable(Float64)');
    expect(sql).toContain('ADD COLUMN IF NOT EXISTS video_in_freeze_count Nullable(Float64)');
    expect(sql).not.toContain('ADD COLUMN IF NOT EXISTS session_id ');
  });

  it('only emits idempotent statements, at least three per table', () => {
    const statements = migrationStatements();
    expect(statements.length).toBeGreaterThanOrEqual(tables().length * 3);
    for (const s of statements) expect(s).toMatch(/IF NOT EXISTS|MODIFY SETTING/);
  });

  it('refuses names that are not identifiers, and duplicates', () => {
    const base = samplesTable();
    expect(() => checkTable({ ...base, columns: [...base.columns, { name: 'x; DROP', type: 'String' }] })).toThrow(
      /identifier/,
    );
    expect(() => checkTable({ ...base, columns: [...base.columns, { name: 'rtt_ms', type: 'String' }] })).toThrow(
      /twice/,
    );
    for (const table of tables()) expect(() => checkTable(table)).not.toThrow();
  });

  it('parses ClickHouse versions', () => {
    expect(parseVersion('26.7.2.1')).toEqual([26, 7]);
    expect(parseVersion('18.16.1')).toEqual([18, 16]);
    expect(parseVersion('nonsense')).toBeUndefined();
  });
});
