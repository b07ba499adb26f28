import { DASHBOARD } from './dashboards.js';
import { inWindow, inboundColumns, lastSeconds, streamValues, tenantCondition } from './sql.js';
import type { AlertRule, RunbookPage, Severity, SqlContext } from './types.js';

/** Sample column of the estimated MOS (inbound audio, 1..5). */
export const MOS_COLUMN = 'audio_in_mos';

/** How far back the freeze rule looks for a connection's first video interval (six hours, beyond its window). */
const FIRST_INTERVAL_SECONDS = 6 * 3600;

interface StreamQuantileSpec {
  readonly id: string;
  readonly alert: string;
  readonly severity: Severity;
  readonly metric: string;
  /** Registry key of the stream metric (`samples` columns are `<stream>_<key>`). */
  readonly key: string;
  readonly quantile: number;
  readonly threshold: number;
  readonly unit: string;
  readonly what: string;
}

/** A p95-style alert on an inbound per-stream histogram, by region and media kind. */
function inboundStreamQuantile(spec: StreamQuantileSpec): AlertRule {
  const pct = Math.round(spec.quantile * 100);
  const q = (ctx: SqlContext) => `SELECT tenant, region, media_kind, quantileExact(${spec.quantile})(v) AS value
FROM (
  ${streamValues(ctx, inboundColumns(spec.key))}
)
GROUP BY tenant, region, media_kind`;
  return {
    id: spec.id,
    alert: spec.alert,
    severity: spec.severity,
    comparator: '>',
    threshold: spec.threshold,
    unit: spec.unit,
    for: '10m',
    summary: `p${pct} inbound {{ $labels.media_kind }} ${spec.what} above ${spec.threshold} ${spec.unit} in {{ $labels.region }}`,
    description: `For ten minutes the p${pct} of inbound {{ $labels.media_kind }} ${spec.what} in {{ $labels.region }} has been above ${spec.threshold} ${spec.unit}. Users in that region hear and see the difference; check network type and candidate type breakdowns.`,
    prometheus: { kind: 'quantile', metric: spec.metric, quantile: spec.quantile, matchers: { direction: 'inbound' } },
    sql: {
      requires: { samples: ['tenant', 'region', 'ts', ...inboundColumns(spec.key).map((c) => c.column)] },
      labels: ['region', 'media_kind'],
      query: q,
    },
    grafana: false,
  };
}

/** The quality family: percentiles of the five metrics that predict how a call feels. */
export const QUALITY_PERCENTILES: RunbookPage = {
  slug: 'quality-percentiles',
  title: 'Call quality percentiles out of bounds',
  severity: 'warn',
  area: 'quality',
  symptom:
    'Calls in a region sound robotic or choppy, video freezes, people talk over each other because of delay. Averages still look fine because only the tail suffers.',
  rootCause:
    'A network path, an ISP, a TURN or SFU region, or a client release degrades the tail of the distribution: loss, jitter, round-trip time or freezes for a slice of users.',
  fix: [
    'Break the percentile down by region, browser, network type and candidate type to find the slice.',
    'Relay-only slowness points at TURN placement; one browser at a release; one region at the SFU or its uplinks.',
  ],
  telemetry:
    'p50/p95/p99 recording rules over the registry histograms (RTT, jitter, loss, freeze time, estimated MOS), alerting on the p95 (and the low percentile of MOS), never on means.',
  confirm: [
    { dashboard: DASHBOARD.quality, panel: 'Round-trip time — p95 by region', look: 'RoundTripTimeHigh: the region above 300 ms.' },
    { dashboard: DASHBOARD.quality, panel: 'Packet loss (inbound) — p95 by region', look: 'PacketLossHigh: the region above 3 %.' },
    { dashboard: DASHBOARD.quality, panel: 'Jitter (inbound) — p95 by region', look: 'JitterHigh: the region above 30 ms.' },
    { dashboard: DASHBOARD.quality, panel: 'Video freeze time (inbound) — p95 by region', look: 'VideoFreezeTimeHigh: the region above 10 %.' },
    { dashboard: DASHBOARD.quality, panel: 'Estimated MOS (inbound audio) — p5 by region', look: 'EstimatedMosLow: the region under 3.6.' },
    {
      dashboard: DASHBOARD.quality,
      panel: 'Packet loss (inbound) — by region, browser, network type, media kind',
      look: 'the slice (browser, network type) behind the region (each metric has the same table); its heatmap shows whether the whole distribution moved or a tail grew.',
    },
  ],
  silence: {
    when: 'During a known provider incident in one `region`, with an end time; never silence the whole family.',
    by: ['region'],
    duration: '4h',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'rtt-p95',
      alert: 'RoundTripTimeHigh',
      severity: 'warn',
      comparator: '>',
      threshold: 300,
      unit: 'ms',
      for: '10m',
      summary: 'p95 round-trip time above 300 ms in {{ $labels.region }}',
      description:
        'For ten minutes the p95 of the selected candidate pair\'s round-trip time in {{ $labels.region }} has been above 300 ms; conversation becomes awkward beyond that.',
      prometheus: { kind: 'quantile', metric: 'webrtc.connection.rtt', quantile: 0.95 },
      sql: {
        requires: { samples: ['tenant', 'region', 'ts', 'rtt_ms'] },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region, quantileExact(0.95)(rtt_ms) AS value
FROM samples
WHERE ${inWindow(ctx)} AND rtt_ms IS NOT NULL
GROUP BY tenant, region`,
      },
      grafana: false,
    },
    inboundStreamQuantile({
      id: 'packet-loss-p95',
      alert: 'PacketLossHigh',
      severity: 'warn',
      metric: 'webrtc.stream.packet_loss',
      key: 'packet_loss_pct',
      quantile: 0.95,
      threshold: 3,
      unit: '%',
      what: 'packet loss',
    }),
    inboundStreamQuantile({
      id: 'jitter-p95',
      alert: 'JitterHigh',
      severity: 'warn',
      metric: 'webrtc.stream.jitter',
      key: 'jitter_ms',
      quantile: 0.95,
      threshold: 30,
      unit: 'ms',
      what: 'jitter',
    }),
    {
      id: 'freeze-time-p95',
      alert: 'VideoFreezeTimeHigh',
      severity: 'warn',
      comparator: '>',
      threshold: 10,
      unit: '%',
      for: '10m',
      summary: 'p95 video freeze time above 10% in {{ $labels.region }}',
      description:
        'For ten minutes, one sample interval in twenty of received video in {{ $labels.region }} was frozen for more than 10% of its duration.',
      prometheus: { kind: 'quantile', metric: 'webrtc.stream.freeze_time', quantile: 0.95, matchers: { direction: 'inbound' } },
      sql: {
        requires: { samples: ['tenant', 'region', 'session_id', 'pc_id', 'ts', 'video_in_freeze_time_pct'] },
        labels: ['region', 'media_kind'],
        // A connection's first video interval holds the start-up gap before the first frames, which
        // Chromium counts as a freeze; in short calls it alone would set the p95. Steady intervals only.
        query: (ctx) => `SELECT tenant, region, 'video' AS media_kind, quantileExact(0.95)(video_in_freeze_time_pct) AS value
FROM samples
WHERE ${inWindow(ctx)} AND video_in_freeze_time_pct IS NOT NULL
  AND (session_id, pc_id, ts) NOT IN (
    SELECT session_id, pc_id, min(ts) FROM samples
    WHERE ${tenantCondition(ctx)} AND ${lastSeconds(ctx, FIRST_INTERVAL_SECONDS)} AND video_in_freeze_time_pct IS NOT NULL
    GROUP BY session_id, pc_id)
GROUP BY tenant, region`,
      },
      grafana: false,
    },
    {
      id: 'mos-p5-low',
      alert: 'EstimatedMosLow',
      severity: 'warn',
      comparator: '<',
      threshold: 3.6,
      unit: 'MOS',
      for: '10m',
      summary: 'p5 estimated MOS below 3.6 in {{ $labels.region }}',
      description:
        'For ten minutes the worst 5% of inbound audio intervals in {{ $labels.region }} scored an estimated MOS under 3.6 (E-model R 70, where many users are dissatisfied).',
      prometheus: { kind: 'quantile', metric: 'webrtc.stream.mos', quantile: 0.05, matchers: { direction: 'inbound' } },
      sql: {
        requires: { samples: ['tenant', 'region', 'ts', MOS_COLUMN] },
        labels: ['region', 'media_kind'],
        query: (ctx) => `SELECT tenant, region, 'audio' AS media_kind, quantileExact(0.05)(${MOS_COLUMN}) AS value
FROM samples
WHERE ${inWindow(ctx)} AND ${MOS_COLUMN} IS NOT NULL
GROUP BY tenant, region`,
      },
      grafana: false,
    },
  ],
};
