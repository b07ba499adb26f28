import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store } from '@rtcpulse/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandQuery, type ExpansionContext, type VariableValue } from '../src/index.js';
import { sessionBucketsSql, type BucketDimension, type SessionMeasure } from '../src/sql/participant-time.js';
import { perSecondSessionBucketsSql } from './participant-time-reference.js';
import { generateSessions, secondsFilledFromBehind, type SampleRow } from './participant-time-sessions.js';

/**
 * The participant-time buckets the dashboards draw are computed per session
 * with interval arithmetic; they must be exactly those of the per-second
 * formulation (every covered second once, in the bucket of the
 * earliest-ending sample covering it) on any sessions: random ones with
 * parallel, late and reconnecting connections, gaps, samples straddling
 * bucket edges and samples reaching back into gaps, at several bucket sizes,
 * over a range that cuts sessions and with variable filters. On the
 * collector's real schema.
 */

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0, 0);
const INTERVALS_MS = [1_000, 2_000, 3_000, 10_000, 60_000, 3_600_000];

let store: Store;
let dataDir: string;
let rows: SampleRow[];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-participant-time-'));
  store = createStore({ kind: 'embedded', dataDir });
  await store.migrate();
  rows = [...generateSessions(11, 60, T0), ...generateSessions(29, 60, T0)];
  await store.insertRows('samples', rows);
});

afterAll(async () => {
  await store?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const all = (options: readonly string[]): VariableValue => ({ all: true, options });
const TENANTS = ['tenant-x', 'tenant-y'];

interface Shape {
  readonly name: string;
  readonly measures: readonly SessionMeasure[];
  readonly dimension?: BucketDimension;
}

const SHAPES: readonly Shape[] = [
  { name: 'participant time alone', measures: [] },
  { name: 'with a measure', measures: [{ sql: 'sum(coalesce(bytes_received, 0))', alias: 'received_bytes' }] },
  {
    name: 'with a measure and a dimension',
    measures: [{ sql: 'sum(ifNull(bytes_sent, 0) + ifNull(bytes_received, 0))', alias: 'client_bytes' }],
    dimension: { sql: 'local_candidate_type', alias: 'candidate_type' },
  },
];

interface Scope {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  variables(): Record<string, VariableValue>;
}

const SCOPES: readonly Scope[] = [
  { name: 'whole range, every variable at All', from: T0 - 3_600_000, to: T0 + 3 * 3_600_000, variables: () => ({ tenant: all(TENANTS), region: all([]), browser: all([]) }) },
  {
    name: 'a range cutting sessions, one tenant, some regions',
    from: T0 + 20 * 60_000 + 500,
    to: T0 + 50 * 60_000,
    variables: () => ({ tenant: { values: ['tenant-x'] }, region: { values: [...new Set(rows.map((r) => r.region))].filter((_, i) => i % 2 === 0) }, browser: all([]) }),
  },
];

async function bucketRows(sql: string, context: ExpansionContext): Promise<Record<string, unknown>[]> {
  const result = await store.client.query({ query: `SELECT * FROM (\n${expandQuery(sql, context)}\n) ORDER BY ALL`, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}

describe('the random sessions', () => {
  it('reach back into gaps and cover enough seconds to mean something', () => {
    expect(secondsFilledFromBehind(rows)).toBeGreaterThan(100);
    expect(new Set(rows.map((r) => r.session_id)).size).toBeGreaterThan(100);
  });
});

describe.each(SHAPES)('participant-time buckets, $name', (shape) => {
  it.each(INTERVALS_MS)('at a %i ms interval are those of the per-second formulation', async (intervalMs) => {
    for (const scope of SCOPES) {
      const context: ExpansionContext = { from: new Date(scope.from), to: new Date(scope.to), intervalMs, variables: scope.variables() };
      const expected = await bucketRows(perSecondSessionBucketsSql(shape.measures, shape.dimension), context);
      const actual = await bucketRows(sessionBucketsSql(shape.measures, shape.dimension), context);
      expect(expected.length, scope.name).toBeGreaterThan(0);
      expect(actual, scope.name).toEqual(expected);
    }
  });
});
