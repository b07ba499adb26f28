import { clientScope, CLIENT_SCOPE_COLUMNS } from '../sql/filters.js';
import { QueryCatalog, tableSql, timeSeriesSql, type Needs } from '../sql/needs.js';
import { quantileAlias, quantilesOf, qualitySignals, unfold, type QualitySignal } from '../sql/signals.js';
import { heatmapPanel, promPanel, tablePanel, timeSeriesPanel } from '../panels.js';
import { histogramQuantileExpr, matcherText } from '../promql.js';
import { prometheusSelection } from '../sql/prometheus-selection.js';
import { grafanaUnit } from '../units.js';
import { fleetVariables } from '../variables.js';
import { finishBoard, newBoard, row, type GeneratedBoard } from './board.js';

/** Breakdown dimensions of the percentile table: samples columns plus the unfolded media kind. */
const DIMENSIONS = [
  { column: 'region', label: 'region' },
  { column: 'browser', label: 'browser' },
  { column: 'network_type', label: 'network type' },
  { column: 'media_kind', label: 'media kind' },
] as const;

function needsOf(signal: QualitySignal, extra: readonly string[] = []): Needs {
  return { tables: { samples: [...CLIENT_SCOPE_COLUMNS, ...signal.sources.map((s) => s.column), ...extra] } };
}

function quantileColumns(signal: QualitySignal): string {
  return quantilesOf(signal)
    .map((q) => `quantile(${q})(metric_value) AS ${quantileAlias(q)}`)
    .join(',\n  ');
}

function from(signal: QualitySignal): string {
  return `FROM samples\n${unfold(signal)}\nWHERE ${clientScope()}\n  AND metric_value IS NOT NULL`;
}

/** p50/p95/p99 over time. */
export function percentilesSql(signal: QualitySignal): string {
  return `SELECT $__timeInterval(ts) AS time,\n  ${quantileColumns(signal)}\n${from(signal)}\nGROUP BY time\nORDER BY time`;
}

/** The alert's percentile over time, one series per region. */
export function byRegionSql(signal: QualitySignal): string {
  const q = signal.threshold?.quantile ?? 0.95;
  return `SELECT $__timeInterval(ts) AS time, region,\n  quantile(${q})(metric_value) AS ${quantileAlias(q)}\n${from(signal)}\nGROUP BY time, region\nORDER BY time`;
}

/** Interval counts per registry bucket (upper bounds), for the heatmap. */
export function bucketsSql(signal: QualitySignal): string {
  const bounds = signal.buckets;
  const cells = bounds.map((b, i) => {
    const lower = i === 0 ? '' : `metric_value > ${bounds[i - 1]} AND `;
    return `countIf(${lower}metric_value <= ${b}) AS \`${b}\``;
  });
  const last = bounds[bounds.length - 1];
  cells.push(last === undefined ? 'count() AS `+Inf`' : `countIf(metric_value > ${last}) AS \`+Inf\``);
  return `SELECT $__timeInterval(ts) AS time,\n  ${cells.join(',\n  ')}\n${from(signal)}\nGROUP BY time\nORDER BY time`;
}

/** p50/p95/p99 per region, browser, network type and media kind, in one table. */
export function breakdownSql(signal: QualitySignal): string {
  const parts = DIMENSIONS.map(
    (d) => `SELECT '${d.label}' AS dimension, toString(${d.column}) AS group_value,\n  ${quantileColumns(signal)},\n  count() AS intervals\n${from(signal)}\nGROUP BY group_value`,
  );
  const order = quantileAlias(signal.threshold?.quantile ?? 0.95);
  return `SELECT * FROM (\n${parts.join('\nUNION ALL\n')}\n)\nORDER BY dimension, ${order} ${signal.threshold?.direction === 'below' ? 'ASC' : 'DESC'}`;
}

/** Sessions ranked by their worst inbound quality, linking to the drill-down. */
export function worstSessionsSql(signals: readonly QualitySignal[]): string {
  const columns = signals.flatMap((s) => s.sources.map((src) => `quantile(0.95)(${src.column}) AS ${src.column}_p95`));
  return [
    'SELECT session_id, tenant, any(browser) AS session_browser, any(region) AS session_region, max(ts) AS last_seen,',
    `  ${columns.join(',\n  ')}`,
    'FROM samples',
    `WHERE ${clientScope()}`,
    'GROUP BY session_id, tenant',
    `ORDER BY ${signals.find((s) => s.key === 'loss')?.sources[0]?.column ?? 'rtt_ms'}_p95 DESC`,
    'LIMIT 20',
  ].join('\n');
}

/** The Quality dashboard: the five signals users feel, as percentiles, breakdowns and distributions. */
export function qualityBoard(): GeneratedBoard {
  const catalog = new QueryCatalog();
  const signals = qualitySignals();
  const board = newBoard('rtcpulse-quality', 'rtcpulse · Quality', 'p50/p95/p99 of the five quality metrics that predict user satisfaction, by region, browser, network type and media kind.', ['quality']).variables(fleetVariables(catalog));
  for (const signal of signals) {
    const unit = grafanaUnit(signal.unit);
    const base = { unit, threshold: signal.threshold };
    const pending = signal.registered ? '' : ' (metric not in the registry yet)';
    board.withRow(row(`${signal.label}${pending}`));
    board.withPanel(timeSeriesPanel(catalog, { ...base, title: `${signal.label} — p50 / p95 / p99`, description: `Percentiles of ${signal.metricName} over all samples in range; the dashed line is the alert threshold.`, w: 8, h: 8 }, [timeSeriesSql(percentilesSql(signal), needsOf(signal))]));
    board.withPanel(timeSeriesPanel(catalog, { ...base, title: `${signal.label} — ${quantileAlias(signal.threshold?.quantile ?? 0.95)} by region`, description: 'The alerting percentile per region.', w: 8, h: 8 }, [timeSeriesSql(byRegionSql(signal), needsOf(signal))]));
    board.withPanel(heatmapPanel(catalog, { unit, title: `${signal.label} — distribution`, description: 'Sample intervals per registry histogram bucket (the same buckets the OpenTelemetry histogram uses).', w: 8, h: 8 }, tableSql(bucketsSql(signal), needsOf(signal))));
    board.withPanel(tablePanel(catalog, { ...base, title: `${signal.label} — by region, browser, network type, media kind`, description: 'Percentiles per breakdown dimension.', w: 24, h: 8 }, tableSql(breakdownSql(signal), needsOf(signal, ['network_type']))));
  }
  const registered = signals.filter((s) => s.registered);
  board.withRow(row('Sessions'));
  board.withPanel(
    tablePanel(
      catalog,
      { title: 'Worst sessions by inbound loss (p95)', description: 'Click a session id to open its drill-down.', unit: 'none', w: 24, h: 10 },
      tableSql(worstSessionsSql(registered), { tables: { samples: [...CLIENT_SCOPE_COLUMNS, 'session_id', ...registered.flatMap((s) => s.sources.map((x) => x.column))] } }),
    ),
  );
  board.withRow(row('From Prometheus (collector /metrics)'));
  for (const signal of registered.filter((s) => s.buckets.length > 0)) {
    const q = signal.threshold?.quantile ?? 0.95;
    const selection = prometheusSelection(signal);
    const split = selection.by.length > 1 ? ' and media kind' : '';
    const series = matcherText(selection.matchers);
    board.withPanel(
      promPanel(
        {
          title: `${signal.label} — ${quantileAlias(q)} by region${split} (histogram)`,
          description: `histogram_quantile over the exported ${signal.metricName} histogram${series ? `, series ${series} only` : ''}${split ? ', one line per media kind' : ''}; cheap over long ranges.`,
          unit: grafanaUnit(signal.unit),
          w: 12,
          h: 8,
          ...(signal.threshold ? { threshold: signal.threshold } : {}),
        },
        [{ expr: histogramQuantileExpr(signal.metricName, q, selection.by, selection.matchers), legend: selection.legend }],
      ),
    );
  }
  return finishBoard('quality.json', board, catalog);
}
