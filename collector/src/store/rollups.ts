import { createHash } from 'node:crypto';
import { STREAM_KEYS, describeStream, sampleColumns, type SampleColumn } from '@rtcpulse/schema';
import type { SchemaOptions } from './config.js';
import { LABEL, type ColumnSpec, type TableSpec } from './table-spec.js';
import { onCluster, physicalTable } from './table-sql.js';

/** Quantile levels written into the states; any level can be read back (`quantilesTDigestMerge(q)`). */
export const ROLLUP_LEVELS = [0.5, 0.95, 0.99] as const;

/**
 * Dimensions of every rollup, after `tenant` and `minute`, as column name
 * and the `samples` expression it comes from. A fixed list (the sorting key
 * of an existing AggregatingMergeTree cannot grow); metrics, unlike
 * dimensions, follow the registry.
 */
export const ROLLUP_DIMENSIONS = [
  { name: 'region', source: 'region' },
  { name: 'browser', source: 'browser' },
  { name: 'os', source: 'os' },
  { name: 'sdk_version', source: 'sdk_version' },
  { name: 'topology', source: 'topology' },
  { name: 'candidate_type', source: 'local_candidate_type' },
] as const;

/** Extra dimensions of the stream rollup. */
export const STREAM_DIMENSIONS = ['media_kind', 'direction'] as const;

/** Name of a rollup dimension column. */
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number]['name'] | (typeof STREAM_DIMENSIONS)[number];

/** Per-minute quantile states of connection-scope histogram metrics. */
export const CONNECTION_ROLLUP = 'quality_conn_1m';
/** Per-minute quantile states of stream-scope histogram metrics, one row group per media kind and direction. */
export const STREAM_ROLLUP = 'quality_stream_1m';

const STATE_TYPE = `AggregateFunction(quantilesTDigest(${ROLLUP_LEVELS.join(', ')}), Float64)`;
const SOURCE = 'src';
/** A client timestamp more than this far from the receive time is replaced by the receive time. */
const MAX_CLOCK_SKEW_S = 86_400;

/** Connection-scope histogram columns of `samples`: the connection rollup's metrics. */
export function connectionRollupMetrics(): readonly SampleColumn[] {
  return sampleColumns().filter((c) => c.stream === undefined && c.metric.instrument === 'histogram');
}

/** Stream-scope histogram metric keys (one rollup column each, whatever the stream). */
export function streamRollupMetrics(): readonly string[] {
  const keys = sampleColumns()
    .filter((c) => c.stream !== undefined && c.metric.instrument === 'histogram')
    .map((c) => c.metric.key);
  return [...new Set(keys)];
}

function rollupTable(name: string, extraDimensions: readonly string[], metrics: readonly string[]): TableSpec {
  const dimensions = [...ROLLUP_DIMENSIONS.map((d) => d.name), ...extraDimensions];
  const columns: ColumnSpec[] = [
    { name: 'tenant', type: LABEL },
    { name: 'minute', type: "DateTime('UTC')" },
    ...dimensions.map((d) => ({ name: d, type: LABEL })),
    { name: 'sample_count', type: 'SimpleAggregateFunction(sum, UInt64)' },
    ...metrics.map((m) => ({ name: m, type: STATE_TYPE })),
  ];
  return {
    name,
    columns,
    engine: { kind: 'AggregatingMergeTree' },
    partitionBy: 'toYYYYMM(minute)',
    orderBy: ['tenant', 'minute', ...dimensions],
    ttlColumn: 'minute',
    shardBy: 'cityHash64(tenant)',
  };
}

/** The rollup tables (AggregatingMergeTree), created after the tables they read. */
export function rollupTables(): readonly TableSpec[] {
  return [
    rollupTable(CONNECTION_ROLLUP, [], connectionRollupMetrics().map((c) => c.column)),
    rollupTable(STREAM_ROLLUP, STREAM_DIMENSIONS, streamRollupMetrics()),
  ];
}

const src = (column: string): string => `${SOURCE}.${column}`;
const state = (value: string, alias: string): string =>
  `quantilesTDigestStateIf(${ROLLUP_LEVELS.join(', ')})(assumeNotNull(${value}), isNotNull(${value})) AS ${alias}`;

function minuteExpression(): string {
  const trusted = `abs(dateDiff('second', ${src('ts')}, ${src('received_at')})) <= ${MAX_CLOCK_SKEW_S}`;
  return `toStartOfMinute(toDateTime(if(${trusted}, ${src('ts')}, ${src('received_at')}), 'UTC')) AS minute`;
}

function keyColumns(extra: readonly string[]): string[] {
  return ['tenant', 'minute', ...ROLLUP_DIMENSIONS.map((d) => d.name), ...extra];
}

function commonSelect(): string[] {
  return [
    `${src('tenant')} AS tenant`,
    minuteExpression(),
    ...ROLLUP_DIMENSIONS.map((d) => `${src(d.source)} AS ${d.name}`),
  ];
}

function connectionSelect(source: string): string {
  const metrics = connectionRollupMetrics().map((c) => state(src(c.column), c.column));
  return [
    `SELECT\n  ${[...commonSelect(), 'toUInt64(count()) AS sample_count', ...metrics].join(',\n  ')}`,
    `FROM ${source} AS ${SOURCE}`,
    `GROUP BY ${keyColumns([]).join(', ')}`,
  ].join('\n');
}

/**
 * One tuple per stream key: kind, direction, each stream metric (NULL where
 * it does not apply to that stream) and whether the stream carried any of them.
 */
function streamTuples(metrics: readonly string[]): string {
  const columns = sampleColumns();
  const tuples = STREAM_KEYS.map((stream) => {
    const { kind, direction } = describeStream(stream);
    const own = new Set(columns.filter((c) => c.stream === stream).map((c) => c.column));
    const mine = metrics.filter((m) => own.has(`${stream}_${m}`)).map((m) => src(`${stream}_${m}`));
    const values = metrics.map((m) => (own.has(`${stream}_${m}`) ? src(`${stream}_${m}`) : 'CAST(NULL, \'Nullable(Float64)\')'));
    const present = mine;
    const flag = present.length ? `isNotNull(coalesce(${present.join(', ')}))` : '0';
    return `tuple('${kind}', '${direction}', ${[...values, `toUInt8(${flag})`].join(', ')})`;
  });
  return `[\n    ${tuples.join(',\n    ')}\n  ]`;
}

function streamSelect(source: string): string {
  const metrics = streamRollupMetrics();
  const element = (i: number): string => `tupleElement(stream, ${i})`;
  const states = metrics.map((m, i) => state(element(i + 3), m));
  const select = [
    ...commonSelect(),
    `${element(1)} AS media_kind`,
    `${element(2)} AS direction`,
    'toUInt64(count()) AS sample_count',
    ...states,
  ];
  return [
    `SELECT\n  ${select.join(',\n  ')}`,
    `FROM ${source} AS ${SOURCE}`,
    `ARRAY JOIN ${streamTuples(metrics)} AS stream`,
    `WHERE ${element(metrics.length + 3)} = 1`,
    `GROUP BY ${keyColumns(STREAM_DIMENSIONS).join(', ')}`,
  ].join('\n');
}

/** A materialized view feeding a rollup; its name carries a hash of its query, so a registry change makes a new view. */
export interface RollupView {
  readonly name: string;
  /** Rollup table it writes into. */
  readonly target: string;
  createSql(options?: SchemaOptions): string;
}

/** Prefix of every rollup view name, `<rollup>_mv_<hash>`. */
export const VIEW_MARKER = '_mv_';

function view(target: string, select: (source: string) => string): RollupView {
  const hash = createHash('sha256').update(select('samples')).digest('hex').slice(0, 10);
  const name = `${target}${VIEW_MARKER}${hash}`;
  return {
    name,
    target,
    createSql(options: SchemaOptions = {}) {
      const into = physicalTable(target, options);
      const source = physicalTable('samples', options);
      return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${name}${onCluster(options)} TO ${into} AS\n${select(source)}`;
    },
  };
}

/** The views that keep the rollups up to date on every insert into `samples`. */
export function rollupViews(): readonly RollupView[] {
  return [view(CONNECTION_ROLLUP, connectionSelect), view(STREAM_ROLLUP, streamSelect)];
}
