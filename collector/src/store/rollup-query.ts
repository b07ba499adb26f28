import type { ClickHouseClient } from '@clickhouse/client';
import { metricByName } from '@rtcpulse/schema';
import {
  CONNECTION_ROLLUP,
  ROLLUP_DIMENSIONS,
  STREAM_DIMENSIONS,
  STREAM_ROLLUP,
  connectionRollupMetrics,
  streamRollupMetrics,
  type RollupDimension,
} from './rollups.js';

/** Fleet percentiles of one metric over a time range, from the per-minute rollups. */
export interface PercentilesQuery {
  readonly tenant: string;
  /** Registry metric name of a connection or stream histogram, for example `webrtc.stream.packet_loss`. */
  readonly metric: string;
  /** Start (inclusive) and end (exclusive), epoch ms; rounded to whole minutes. */
  readonly from: number;
  readonly to: number;
  /** Quantile levels (default 0.5, 0.95, 0.99). */
  readonly levels?: readonly number[];
  /** Dimensions to group by (media_kind and direction only for stream metrics). */
  readonly by?: readonly RollupDimension[];
  /** Dimension values to keep. */
  readonly where?: Partial<Record<RollupDimension, string>>;
  /** One row per bucket of this many seconds (a multiple of 60); absent: one row for the whole range. */
  readonly stepSeconds?: number;
}

/** One group's percentiles. */
export interface PercentilesRow {
  /** Bucket start, epoch ms (only with `stepSeconds`). */
  readonly time?: number;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Samples (or stream samples) in the group. */
  readonly samples: number;
  /** One value per level, in the order asked. */
  readonly values: readonly number[];
}

const DEFAULT_LEVELS = [0.5, 0.95, 0.99];

function target(metric: string): { table: string; column: string; dimensions: readonly string[] } {
  const definition = metricByName(metric);
  if (definition?.scope === 'connection' && connectionRollupMetrics().some((c) => c.metric === definition)) {
    return { table: CONNECTION_ROLLUP, column: definition.key, dimensions: ROLLUP_DIMENSIONS.map((d) => d.name) };
  }
  if (definition?.scope === 'stream' && streamRollupMetrics().includes(definition.key)) {
    const dimensions = [...ROLLUP_DIMENSIONS.map((d) => d.name), ...STREAM_DIMENSIONS];
    return { table: STREAM_ROLLUP, column: definition.key, dimensions };
  }
  throw new Error(`${metric} is not a rolled-up metric (connection or stream histograms only)`);
}

/**
 * The SQL and parameters of a {@link PercentilesQuery}: a `quantilesTDigestMerge`
 * over the minute states of the range, grouped as asked. It reads one row per
 * minute and group, whatever the raw sample count was.
 */
export function percentilesSql(q: PercentilesQuery): { query: string; params: Record<string, unknown> } {
  const { table, column, dimensions } = target(q.metric);
  const levels = q.levels ?? DEFAULT_LEVELS;
  if (levels.length === 0 || levels.some((l) => !(l >= 0 && l <= 1))) throw new Error('levels must be between 0 and 1');
  const by = q.by ?? [];
  const filters = Object.entries(q.where ?? {});
  for (const name of [...by, ...filters.map(([n]) => n)]) {
    if (!dimensions.includes(name)) throw new Error(`${name} is not a dimension of ${table}`);
  }
  const step = q.stepSeconds;
  if (step !== undefined && !(Number.isInteger(step / 60) && step > 0)) throw new Error('stepSeconds must be a multiple of 60');
  const keys = [...(step ? ['time'] : []), ...by];
  const select = [
    ...(step ? [`toUnixTimestamp(toStartOfInterval(minute, toIntervalSecond(${step}))) * 1000 AS time`] : []),
    ...by,
    'sum(sample_count) AS samples',
    `quantilesTDigestMerge(${levels.join(', ')})(${column}) AS values`,
  ];
  const where = [
    'tenant = {tenant:String}',
    'minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))',
    'minute < fromUnixTimestamp64Milli({to:Int64})',
    ...filters.map(([name]) => `${name} = {w_${name}:String}`),
  ];
  const query = [
    `SELECT ${select.join(', ')}`,
    `FROM ${table}`,
    `WHERE ${where.join(' AND ')}`,
    ...(keys.length ? [`GROUP BY ${keys.join(', ')}`, `ORDER BY ${keys.join(', ')}`] : []),
  ].join('\n');
  const params: Record<string, unknown> = { tenant: q.tenant, from: q.from, to: q.to };
  for (const [name, value] of filters) params[`w_${name}`] = value;
  return { query, params };
}

/**
 * Read fleet percentiles from the rollups. Groups without a single value
 * of the metric are left out.
 */
export async function readPercentiles(client: ClickHouseClient, q: PercentilesQuery): Promise<PercentilesRow[]> {
  const { query, params } = percentilesSql(q);
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  const rows = await result.json<Record<string, unknown>>();
  return rows
    .map((row) => ({
      ...(row.time !== undefined ? { time: Number(row.time) } : {}),
      dimensions: Object.fromEntries((q.by ?? []).map((d) => [d, String(row[d] ?? '')])),
      samples: Number(row.samples),
      values: (row.values as unknown[]).map((v) => (v === null ? Number.NaN : Number(v))),
    }))
    .filter((row) => row.samples > 0 && row.values.every((v) => Number.isFinite(v)));
}
