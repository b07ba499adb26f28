import { COLLECTOR_METRIC_NAMES, metricByName, type MetricDefinition } from '@rtcpulse/schema';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { promPanel } from '../panels.js';
import { prometheusName } from '../promql.js';

const name = (metric: string): string => prometheusName(metricByName(metric) as MetricDefinition);
const N = COLLECTOR_METRIC_NAMES;

/**
 * The collector's own health (registry metrics of scope `collector`, one
 * series set per instance), as its generated alerts read it: what it
 * answered to browsers, how full its spool is, files set aside, ClickHouse.
 */
export function collectorPanels(): timeseries.PanelBuilder[] {
  return [
    promPanel({ title: 'Reports answered, by outcome', description: 'Answers to POST /v1/reports per second, by outcome: stored, spooled and duplicate are accepted; invalid, unauthorized and rate_limited refused; spool_full, queue_full, spool_error, closing and audit_error shed with 503 (CollectorSheddingReports pages on those).', unit: 'reqps', w: 12, h: 8 }, [
      { expr: `sum by (outcome) (rate(${name(N.reports)}[5m]))`, legend: '{{outcome}}' },
    ]),
    promPanel({ title: 'Spool fill', description: 'Bytes waiting in each collector\'s spool for ClickHouse, over its cap (at 100 % it answers 503; CollectorSpoolFilling warns above 50 %).', unit: 'percentunit', w: 12, h: 8 }, [
      { expr: `max by (instance) (${name(N.spoolUsage)} / ${name(N.spoolLimit)})`, legend: '{{instance}}' },
    ]),
    promPanel({ title: 'Spool files set aside', description: 'Files in spool/quarantine/ and spool/damaged/ waiting for an operator; they may hold acknowledged reports (CollectorRecordsSetAside).', unit: 'short', w: 12, h: 6 }, [
      { expr: `max by (instance) (${name(N.spoolSetAside)})`, legend: '{{instance}}' },
    ]),
    promPanel({ title: 'ClickHouse taking inserts', description: '1 while each collector\'s inserts succeed, 0 while it waits for ClickHouse and spools (CollectorClickHouseDown).', unit: 'short', w: 12, h: 6 }, [
      { expr: `min by (instance) (${name(N.clickhouseUp)})`, legend: '{{instance}}' },
    ]),
  ];
}
