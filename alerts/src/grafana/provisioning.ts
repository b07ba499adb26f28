import { allRules, type PagedRule } from '../runbook/index.js';
import { CLICKHOUSE_DATASOURCE_UID } from '../runbook/dashboards.js';
import { DEFAULT_PRICES } from '../runbook/prices.js';
import { lookbackSeconds, ruleSql } from '../runbook/sql.js';
import type { AlertRule, Duration, Prices } from '../runbook/types.js';
import { alertAnnotations, alertLabels } from '../prometheus/rules.js';

/** Grafana folder the provisioned rules go to. */
export const GRAFANA_FOLDER = 'rtcpulse';
/** Plugin id of the ClickHouse data source. */
export const CLICKHOUSE_PLUGIN = 'grafana-clickhouse-datasource';
/** Grafana's uid for server-side expressions. */
const EXPRESSION_UID = '__expr__';

/** One query or expression of a Grafana-managed rule. */
export interface GrafanaRuleData {
  readonly refId: string;
  readonly relativeTimeRange: { readonly from: number; readonly to: number };
  readonly datasourceUid: string;
  readonly model: Readonly<Record<string, unknown>>;
}

/** A Grafana-managed alert rule in the provisioning file format. */
export interface GrafanaRule {
  readonly uid: string;
  readonly title: string;
  readonly condition: string;
  readonly data: readonly GrafanaRuleData[];
  readonly for: Duration;
  readonly noDataState: 'OK' | 'NoData' | 'Alerting';
  readonly execErrState: 'OK' | 'Error' | 'Alerting';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The provisioning file (`provisioning/alerting/*.yml`). */
export interface GrafanaAlertingFile {
  readonly apiVersion: 1;
  readonly groups: readonly {
    readonly orgId: number;
    readonly name: string;
    readonly folder: string;
    readonly interval: string;
    readonly rules: readonly GrafanaRule[];
  }[];
}

/**
 * Grafana templates get `.Labels`; provisioning would expand a `$` as an
 * environment variable, so `{{ $labels.x }}` becomes `{{ .Labels.x }}`.
 */
export function grafanaTemplate(text: string): string {
  return text.replace(/\{\{ \$labels\.(\w+) \}\}/g, '{{ .Labels.$1 }}');
}

/** The rule's SQL as Grafana runs it: `now()` as the instant, all tenants, a `time` column for a long time series. */
export function grafanaSql(rule: AlertRule, prices: Prices = DEFAULT_PRICES): string {
  const inner = ruleSql(rule, { now: 'now()', oneTenant: false, prices });
  const columns = ['tenant', ...rule.sql.labels, 'value'].join(', ');
  return `SELECT now() AS time, ${columns}\nFROM (\n${inner}\n)\nORDER BY time`;
}

function grafanaRule(paged: PagedRule, baseUrl: string, prices: Prices): GrafanaRule {
  const { rule, page } = paged;
  const expression = (refId: string, model: Record<string, unknown>): GrafanaRuleData => ({
    refId,
    relativeTimeRange: { from: 0, to: 0 },
    datasourceUid: EXPRESSION_UID,
    model: { refId, datasource: { type: EXPRESSION_UID, uid: EXPRESSION_UID }, ...model },
  });
  const annotations = Object.fromEntries(
    Object.entries(alertAnnotations(rule, page, baseUrl)).map(([k, v]) => [k, grafanaTemplate(v)]),
  );
  return {
    uid: `rtcpulse-${rule.id}`,
    title: rule.alert,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: lookbackSeconds(rule), to: 0 },
        datasourceUid: CLICKHOUSE_DATASOURCE_UID,
        model: {
          refId: 'A',
          datasource: { type: CLICKHOUSE_PLUGIN, uid: CLICKHOUSE_DATASOURCE_UID },
          editorType: 'sql',
          format: 0,
          queryType: 'timeseries',
          rawSql: grafanaSql(rule, prices),
          intervalMs: 60_000,
          maxDataPoints: 43_200,
        },
      },
      expression('B', { type: 'reduce', expression: 'A', reducer: 'last', settings: { mode: 'dropNN' } }),
      expression('C', {
        type: 'threshold',
        expression: 'B',
        conditions: [{ evaluator: { type: rule.comparator === '>' ? 'gt' : 'lt', params: [rule.threshold] } }],
      }),
    ],
    for: rule.for,
    noDataState: 'OK',
    execErrState: 'Error',
    labels: alertLabels(rule),
    annotations,
  };
}

/** Grafana-managed rules for every rule flagged `grafana`, one group per runbook page. */
export function grafanaAlertingFile(baseUrl: string, rules: readonly PagedRule[] = allRules(), prices: Prices = DEFAULT_PRICES): GrafanaAlertingFile {
  const groups = new Map<string, GrafanaRule[]>();
  for (const paged of rules) {
    if (!paged.rule.grafana) continue;
    const list = groups.get(paged.page.slug) ?? [];
    list.push(grafanaRule(paged, baseUrl, prices));
    groups.set(paged.page.slug, list);
  }
  return {
    apiVersion: 1,
    groups: [...groups].map(([slug, list]) => ({ orgId: 1, name: `rtcpulse-${slug}`, folder: GRAFANA_FOLDER, interval: '1m', rules: list })),
  };
}
