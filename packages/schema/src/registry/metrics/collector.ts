import type { MetricDefinition } from '../types.js';

/**
 * How a collector answered one `POST /v1/reports`, the `outcome` of
 * `rtcpulse.collector.reports`. Accepted (202): `stored` in ClickHouse,
 * `spooled` in the fsync'd spool, `duplicate` a retry of a report already
 * durable. Refused: `invalid` (the body or request: 400, 408, 413, 415),
 * `unauthorized` (key or origin: 401, 403), `rate_limited` (429), and the
 * 503 reasons `spool_full`, `queue_full`, `spool_error`, `closing`, and
 * `audit_error` (the report was kept but its audit events could be neither
 * appended nor kept on disk, so it is to be sent again); `error` for any
 * other answer.
 */
export const COLLECTOR_REPORT_OUTCOMES = [
  'stored',
  'spooled',
  'duplicate',
  'invalid',
  'unauthorized',
  'rate_limited',
  'spool_full',
  'queue_full',
  'spool_error',
  'closing',
  'audit_error',
  'error',
] as const;

/** One value of {@link COLLECTOR_REPORT_OUTCOMES}. */
export type CollectorReportOutcome = (typeof COLLECTOR_REPORT_OUTCOMES)[number];

/** The collector's own instrument names, for the code that records them. */
export const COLLECTOR_METRIC_NAMES = {
  reports: 'rtcpulse.collector.reports',
  spoolUsage: 'rtcpulse.collector.spool.usage',
  spoolLimit: 'rtcpulse.collector.spool.limit',
  spoolRecords: 'rtcpulse.collector.spool.records',
  spoolSetAside: 'rtcpulse.collector.spool.set_aside',
  clickhouseUp: 'rtcpulse.collector.clickhouse.up',
} as const;

const N = COLLECTOR_METRIC_NAMES;

/**
 * The collector's health, for the SREs who run it: what it answered to
 * browsers, and how close its spool is to the cap at which it answers 503.
 * Each collector process records its own values.
 */
export const COLLECTOR_METRICS = [
  {
    key: 'collector_reports',
    name: N.reports,
    unit: '{report}',
    family: 'collector',
    scope: 'collector',
    instrument: 'counter',
    attributes: ['outcome'],
    description: `Client reports this collector answered, by outcome (${COLLECTOR_REPORT_OUTCOMES.join(', ')}).`,
  },
  {
    key: 'collector_spool_usage_bytes',
    name: N.spoolUsage,
    unit: 'By',
    family: 'collector',
    scope: 'collector',
    instrument: 'gauge',
    attributes: [],
    description: 'Bytes of accepted reports in the local spool, waiting for ClickHouse to take them. At the limit, reports are answered 503.',
  },
  {
    key: 'collector_spool_limit_bytes',
    name: N.spoolLimit,
    unit: 'By',
    family: 'collector',
    scope: 'collector',
    instrument: 'gauge',
    attributes: [],
    description: 'The spool cap in bytes (RTCPULSE_SPOOL_MAX_MB): usage over limit is how full the spool is.',
  },
  {
    key: 'collector_spool_records',
    name: N.spoolRecords,
    unit: '{record}',
    family: 'collector',
    scope: 'collector',
    instrument: 'gauge',
    attributes: [],
    description: 'Records (one per batch of reports written together) in the spool, waiting for ClickHouse.',
  },
  {
    key: 'collector_spool_set_aside',
    name: N.spoolSetAside,
    unit: '{record}',
    family: 'collector',
    scope: 'collector',
    instrument: 'gauge',
    attributes: [],
    description: 'Spool files set aside for an operator: records ClickHouse refused (quarantine/) and files unreadable at start (damaged/). Each may hold acknowledged reports.',
  },
  {
    key: 'collector_clickhouse_up',
    name: N.clickhouseUp,
    unit: '{up}',
    family: 'collector',
    scope: 'collector',
    instrument: 'gauge',
    attributes: [],
    description: '1 while ClickHouse takes inserts, 0 while the writer waits for it (reports then go to the spool).',
  },
] as const satisfies readonly MetricDefinition[];
