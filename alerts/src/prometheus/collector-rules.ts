import { COLLECTOR_METRIC_NAMES, metricByName, type MetricDefinition } from '@rtcpulse/schema';
import type { Duration, Severity } from '../runbook/types.js';
import { prometheusName, type NamingPath } from './naming.js';
import { runbookUrl, type AlertingRule, type RuleGroup } from './rules.js';
import type { InputSeries, PromtoolTestGroup } from './tests.js';

/**
 * Alerts on the collector itself (not on calls): its spool filling towards
 * the cap at which browsers are answered 503, reports shed, files set aside
 * for an operator, ClickHouse not taking inserts, and a metric folding new
 * series into its overflow series (any metric: that label). The others read the
 * registry's collector metrics (scope `collector`), one series set per
 * collector instance (`instance`: the scrape target, or over OTLP the
 * resource's `service.instance.id`).
 */
export interface CollectorAlert {
  readonly alert: string;
  readonly id: string;
  readonly severity: Severity;
  readonly for: Duration;
  readonly summary: string;
  readonly description: string;
  /** What on-call does, for the runbook page. */
  readonly action: string;
  readonly expr: (path: NamingPath) => string;
  /** Input series (at a 1 m interval) that make it fire by minute 20, and ones that keep it silent. */
  readonly fires: (path: NamingPath) => readonly InputSeries[];
  readonly silent: (path: NamingPath) => readonly InputSeries[];
  /** Labels the fired alert carries beyond `severity` and `rule_id`. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The runbook page of these alerts (`runbook/<slug>.md`). */
export const COLLECTOR_PAGE_SLUG = 'collector-health';

const n = (name: string, path: NamingPath): string => prometheusName(metricByName(name) as MetricDefinition, path);
const N = COLLECTOR_METRIC_NAMES;
const INSTANCE = 'instance="collector-1:8080"';
const SHED = 'spool_full|queue_full|spool_error|audit_error';
/** The label the Prometheus exporter gives the collector's own series (its meter's name). */
const SCOPE = 'otel_scope_name="rtcpulse-collector"';

export const COLLECTOR_ALERTS: readonly CollectorAlert[] = [
  {
    alert: 'CollectorSpoolFilling',
    id: 'collector-spool-filling',
    severity: 'warn',
    for: '5m',
    summary: 'Collector {{ $labels.instance }}: spool over half full',
    description: 'Accepted reports are waiting in the local spool for ClickHouse. At the cap the collector answers browsers 503 and the SDKs hold their reports until they are dropped.',
    action: 'Find why ClickHouse is not taking inserts (CollectorClickHouseDown, the collector log `insert failed`); grow `RTCPULSE_SPOOL_MAX_MB` only if the disk has room.',
    expr: (p) => `max by (instance) (${n(N.spoolUsage, p)} / ${n(N.spoolLimit, p)}) > 0.5`,
    fires: (p) => [
      { series: `${n(N.spoolUsage, p)}{${INSTANCE}}`, values: '0+20000000x20' },
      { series: `${n(N.spoolLimit, p)}{${INSTANCE}}`, values: '536870912x20' },
    ],
    silent: (p) => [
      { series: `${n(N.spoolUsage, p)}{${INSTANCE}}`, values: '0+1000000x20' },
      { series: `${n(N.spoolLimit, p)}{${INSTANCE}}`, values: '536870912x20' },
    ],
    labels: { instance: 'collector-1:8080' },
  },
  {
    alert: 'CollectorSheddingReports',
    id: 'collector-shedding-reports',
    severity: 'page',
    for: '5m',
    summary: 'Collector {{ $labels.instance }} is answering reports 503',
    description: 'Reports are refused because the spool or the in-memory queue is full, or the spool cannot be written. Browsers retry with backoff and drop (and count) what they cannot keep: telemetry is being lost.',
    action: 'Check the `outcome` split of `rtcpulse_collector_reports_total`: `spool_full` means ClickHouse is behind (see CollectorSpoolFilling); `queue_full` means more load than this instance takes (add instances); `spool_error` means the spool disk (full, read-only); `audit_error` means audit events could be neither appended nor kept on the spool disk.',
    expr: (p) => `sum by (instance) (rate(${n(N.reports, p)}{outcome=~"${SHED}"}[5m])) > 0`,
    fires: (p) => [{ series: `${n(N.reports, p)}{${INSTANCE},outcome="spool_full"}`, values: '0+10x20' }],
    silent: (p) => [
      { series: `${n(N.reports, p)}{${INSTANCE},outcome="spool_full"}`, values: '3x20' },
      { series: `${n(N.reports, p)}{${INSTANCE},outcome="stored"}`, values: '0+100x20' },
    ],
    labels: { instance: 'collector-1:8080' },
  },
  {
    alert: 'CollectorRecordsSetAside',
    id: 'collector-records-set-aside',
    severity: 'warn',
    for: '1m',
    summary: 'Collector {{ $labels.instance }} has spool files set aside for an operator',
    description: 'Spool files ClickHouse refused (`quarantine/` in the spool directory) or that could not be read at start (`damaged/`). They may hold acknowledged reports that are not in ClickHouse. The spool directory is `<data dir>/rtcpulse-spool` on the embedded store (default `.data/clickhouse/rtcpulse-spool`), `.data/spool` beside a ClickHouse server, or `RTCPULSE_SPOOL_DIR`; the collector logs it at start.',
    action: 'Read the collector log line that names each file and its reason. For `quarantine/` (ClickHouse refused the rows, e.g. a column altered to another type): fix the cause, run `npm run spool:requeue -- --data-dir <the collector\'s data dir>` (or `--spool-dir <spool dir>`) on that host and restart the collector, which then stores them exactly once. Files in `damaged/` failed their checksum or are not records: keep them for the incident record. The alert stays until the files are out of both directories.',
    expr: (p) => `max by (instance) (${n(N.spoolSetAside, p)}) > 0`,
    fires: (p) => [{ series: `${n(N.spoolSetAside, p)}{${INSTANCE}}`, values: '0x5 1x15' }],
    silent: (p) => [{ series: `${n(N.spoolSetAside, p)}{${INSTANCE}}`, values: '0x20' }],
    labels: { instance: 'collector-1:8080' },
  },
  {
    alert: 'CollectorClickHouseDown',
    id: 'collector-clickhouse-down',
    severity: 'warn',
    for: '5m',
    summary: 'Collector {{ $labels.instance }}: ClickHouse is not taking inserts',
    description: 'The collector keeps accepting into its spool, so nothing is lost yet, but dashboards and SQL alerts see no new data and the spool fills.',
    action: 'Check ClickHouse (server: its log and `system.errors`; embedded: the collector log). The spool replays by itself once inserts succeed.',
    expr: (p) => `max by (instance) (${n(N.clickhouseUp, p)}) < 1`,
    fires: (p) => [{ series: `${n(N.clickhouseUp, p)}{${INSTANCE}}`, values: '1x5 0x15' }],
    silent: (p) => [{ series: `${n(N.clickhouseUp, p)}{${INSTANCE}}`, values: '1x8 0x2 1x10' }],
    labels: { instance: 'collector-1:8080' },
  },
  {
    alert: 'CollectorMetricOverflow',
    id: 'collector-metric-overflow',
    severity: 'warn',
    for: '1m',
    summary: 'Collector {{ $labels.instance }}: a metric reached its series limit',
    description:
      'A metric on this collector has as many attribute sets as `RTCPULSE_METRIC_CARDINALITY_LIMIT` allows: every new combination (a new region or SDK version among them) is folded into one series labelled `otel_metric_overflow="true"` with no other labels, until the collector restarts. Per-region and per-version rules and panels miss those clients.',
    action:
      'Find the metric with `count by (__name__) ({otel_metric_overflow="true"})`, then which attribute grows (`count by (region) (<that metric>)`, the same for `sdk_version`): a key sending made-up values, or a real fleet larger than the limits. Raise `RTCPULSE_METRIC_CARDINALITY_LIMIT` (and `RTCPULSE_METRIC_OPEN_VALUES` for more regions or versions) if the fleet is real, and restart the collector; the stored rows in ClickHouse are complete either way.',
    // On the pull path the collector's own series carry its scope name: other jobs' OpenTelemetry overflows are theirs to watch.
    expr: (p) => `count by (instance) ({otel_metric_overflow="true"${p === 'pull' ? `,${SCOPE}` : ''}}) > 0`,
    fires: (p) => [
      { series: `${n('webrtc.ice.pair_formation_time', p)}_count{${INSTANCE},${SCOPE},region="eu-west"}`, values: '0+5x20' },
      { series: `${n('webrtc.ice.pair_formation_time', p)}_count{${INSTANCE},${SCOPE},otel_metric_overflow="true"}`, values: '_x5 1+2x15' },
    ],
    silent: (p) => [{ series: `${n('webrtc.ice.pair_formation_time', p)}_count{${INSTANCE},region="eu-west"}`, values: '0+5x20' }],
    labels: { instance: 'collector-1:8080' },
  },
];

/** The alerting rule group of {@link COLLECTOR_ALERTS} for `path`. */
function annotations(a: CollectorAlert, baseUrl: string): Record<string, string> {
  return { summary: a.summary, description: a.description, runbook_url: runbookUrl({ slug: COLLECTOR_PAGE_SLUG }, baseUrl, a.alert) };
}

export function collectorAlertGroups(path: NamingPath, baseUrl: string): RuleGroup<AlertingRule>[] {
  const rules = COLLECTOR_ALERTS.map((a) => ({
    alert: a.alert,
    expr: a.expr(path),
    for: a.for,
    labels: { severity: a.severity, rule_id: a.id },
    annotations: annotations(a, baseUrl),
  }));
  return [{ name: 'rtcpulse-collector-health', rules }];
}

/** promtool cases for each collector alert: it fires on its series, and stays silent on the others. */
export function collectorAlertTests(path: NamingPath, baseUrl: string): PromtoolTestGroup[] {
  const expanded = (a: CollectorAlert): Record<string, string> => {
    const text = annotations(a, baseUrl);
    for (const [key, value] of Object.entries(text)) text[key] = value.replaceAll('{{ $labels.instance }}', a.labels.instance ?? '');
    return text;
  };
  return COLLECTOR_ALERTS.flatMap((a) => [
    {
      interval: '1m',
      input_series: a.fires(path),
      alert_rule_test: [
        { eval_time: '20m', alertname: a.alert, exp_alerts: [{ exp_labels: { severity: a.severity, rule_id: a.id, ...a.labels }, exp_annotations: expanded(a) }] },
      ],
    },
    { interval: '1m', input_series: a.silent(path), alert_rule_test: [{ eval_time: '20m', alertname: a.alert, exp_alerts: [] }] },
  ]);
}
