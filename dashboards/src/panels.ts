import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardLinkBuilder, ThresholdsConfigBuilder, ThresholdsMode, type DynamicConfigValue } from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { clickhouseRef, prometheusRef } from './datasources.js';
import type { QueryCatalog, SqlSpec } from './sql/needs.js';
import type { AlertThreshold } from './thresholds.js';

/** Size and text shared by every panel factory. */
export interface PanelBase {
  readonly title: string;
  readonly description: string;
  /** Grafana unit id (use `grafanaUnit` for registry units). */
  readonly unit: string;
  /** Width in grid columns (of 24) and height in grid rows. */
  readonly w: number;
  readonly h: number;
  /** Threshold line: the alert threshold, in the panel's unit. */
  readonly threshold?: AlertThreshold;
  /** Links shown in the panel header (runbook pages). */
  readonly links?: readonly { title: string; url: string }[];
}

/** Thresholds config: green below the alert line and red beyond it (or the reverse for "below" rules). */
export function thresholdSteps(threshold: AlertThreshold | undefined): ThresholdsConfigBuilder {
  const steps =
    threshold === undefined
      ? [{ value: null as unknown as number, color: 'green' }]
      : threshold.direction === 'above'
        ? [{ value: null as unknown as number, color: 'green' }, { value: threshold.value, color: 'red' }]
        : [{ value: null as unknown as number, color: 'red' }, { value: threshold.value, color: 'green' }];
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

function headerLinks(base: PanelBase): DashboardLinkBuilder[] {
  return (base.links ?? []).map((l) => new DashboardLinkBuilder(l.title).url(l.url).targetBlank(true));
}

function legend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom)
    .calcs([]);
}

/** A time series over ClickHouse (and optionally Prometheus) queries, legend on, threshold line drawn. */
export function timeSeriesPanel(catalog: QueryCatalog, base: PanelBase, specs: readonly SqlSpec[]): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(base.title)
    .description(base.description)
    .unit(base.unit)
    .span(base.w)
    .height(base.h)
    .legend(legend())
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .thresholds(thresholdSteps(base.threshold))
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(base.threshold ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off),
    )
    .fillOpacity(10)
    .spanNulls(true)
    .links(headerLinks(base))
    .datasource(clickhouseRef)
    .targets(specs.map((s) => catalog.target(s)));
  return panel;
}

/** A single big number (the last row's value), coloured by the alert threshold. */
export function statPanel(catalog: QueryCatalog, base: PanelBase, spec: SqlSpec): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(base.title)
    .description(base.description)
    .unit(base.unit)
    .span(base.w)
    .height(base.h)
    .thresholds(thresholdSteps(base.threshold))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .links(headerLinks(base))
    .datasource(clickhouseRef)
    .withTarget(catalog.target(spec));
}

/** URL of the session drill-down for the row's `session_id` and `tenant`, keeping the time range. */
export const SESSION_LINK_URL =
  '/d/rtcpulse-session/rtcpulse-session-drill-down?var-session=${__data.fields.session_id}&var-tenant=${__data.fields.tenant}&${datasource:queryparam}&${__url_time_range}';

/** Field override that turns the `session_id` column into a link to the drill-down. */
export function sessionLinkOverride(): { matcher: { id: string; options: string }; properties: DynamicConfigValue[] } {
  return {
    matcher: { id: 'byName', options: 'session_id' },
    properties: [{ id: 'links', value: [{ title: 'Open session drill-down', url: SESSION_LINK_URL }] }],
  };
}

/**
 * A table. A table whose SQL reads `session_id` gets the drill-down link on
 * a `session_id` column (a field override matched by name, so it acts only
 * where the result has one; such a table must also return `tenant`, which
 * the link passes on). The store tests check every table returning
 * `session_id` has it.
 */
export function tablePanel(catalog: QueryCatalog, base: PanelBase, spec: SqlSpec): table.PanelBuilder {
  const panel = new table.PanelBuilder()
    .title(base.title)
    .description(base.description)
    .unit(base.unit)
    .span(base.w)
    .height(base.h)
    .thresholds(thresholdSteps(base.threshold))
    .links(headerLinks(base))
    .datasource(clickhouseRef)
    .withTarget(catalog.target(spec));
  return /\bsession_id\b/.test(spec.sql) ? panel.withOverride(sessionLinkOverride()) : panel;
}

/**
 * A heatmap over pre-bucketed rows: the query returns `time` and one count
 * column per registry bucket, named by its upper bound (`le` layout).
 */
export function heatmapPanel(catalog: QueryCatalog, base: PanelBase, spec: SqlSpec): heatmap.PanelBuilder {
  return new heatmap.PanelBuilder()
    .title(base.title)
    .description(base.description)
    .span(base.w)
    .height(base.h)
    .calculate(false)
    .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le).value('Intervals'))
    .yAxis(new heatmap.YAxisConfigBuilder().unit(base.unit))
    .showLegend()
    .links(headerLinks(base))
    .datasource(clickhouseRef)
    .withTarget(catalog.target(spec));
}

/** A PromQL target over the collector's exported metric names. */
export interface PromTarget {
  readonly expr: string;
  readonly legend: string;
}

function promTarget(target: PromTarget): cog.Builder<cog.Dataquery> {
  return new prometheus.DataqueryBuilder().datasource(prometheusRef).expr(target.expr).legendFormat(target.legend).range();
}

/** A time series over Prometheus only. */
export function promPanel(base: PanelBase, targets: readonly PromTarget[]): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(base.title)
    .description(base.description)
    .unit(base.unit)
    .span(base.w)
    .height(base.h)
    .datasource(prometheusRef)
    .legend(legend())
    .thresholds(thresholdSteps(base.threshold))
    .links(headerLinks(base))
    .targets(targets.map(promTarget));
}

