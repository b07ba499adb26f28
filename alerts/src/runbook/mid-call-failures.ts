import { durationSeconds } from './durations.js';
import { ATTEMPTS, CONNECTED_SAMPLES, FAILURES, ICE_CONNECTED, MID_CALL_FAILURES, SDK_SAMPLE_SECONDS } from './connection-counters.js';
import { inWindow, lastSeconds, percent, tenantCondition } from './sql.js';
import { EVENT } from './telemetry.js';
import type { AlertRule, Duration, SqlContext } from './types.js';

/** Window of the mid-call failure rule. */
const MID_CALL_WINDOW: Duration = '15m';

/** How far back a failed connection may have connected (six hours, beyond the rule's window). */
const CONNECTED_SINCE_SECONDS = 6 * 3600;

function midCallFailuresSql(ctx: SqlContext): string {
  const pc = "concat(session_id, '/', pc_id)";
  return `SELECT tenant, region, ${percent('uniqExactIf(pc, failed = 1)', 'uniqExact(pc)')} AS value
FROM (
  SELECT tenant, region, ${pc} AS pc, 0 AS failed FROM samples
  WHERE ${inWindow(ctx)}
  UNION ALL
  SELECT tenant, region, ${pc} AS pc, 1 AS failed FROM events
  WHERE ${inWindow(ctx)} AND type = '${EVENT.connectionState}' AND state = 'failed'
    AND (tenant, session_id, pc_id) IN (
      SELECT tenant, session_id, pc_id FROM events
      WHERE ${tenantCondition(ctx)} AND ${lastSeconds(ctx, CONNECTED_SINCE_SECONDS)} AND type = '${EVENT.connectionState}' AND state = 'connected')
)
GROUP BY tenant, region`;
}

/** Connections that fail after having been connected (errors family). */
export const MID_CALL_FAILURES_RULE: AlertRule = {
  id: 'mid-call-connection-failures',
  alert: 'ConnectionFailures',
  severity: 'page',
  comparator: '>',
  threshold: 5,
  unit: '%',
  for: '5m',
  summary: 'Over 5% of active connections failed after connecting in {{ $labels.region }}',
  description:
    'In the last 15 minutes more than 5% of the active peer connections in {{ $labels.region }} went to failed after having been connected. Traffic is being blackholed mid-call.',
  prometheus: {
    kind: 'ratio',
    numerator: [MID_CALL_FAILURES],
    denominator: [ICE_CONNECTED, { op: 'scaled', expr: CONNECTED_SAMPLES, times: SDK_SAMPLE_SECONDS, per: durationSeconds(MID_CALL_WINDOW) }],
    scale: 100,
    by: ['region'],
    window: MID_CALL_WINDOW,
    measures: `The counters do not say whether a failed connection had connected, so the Prometheus form counts as mid-call failures the connections that reached \`failed\` beyond those that did not get through setup (connections created minus connections whose ICE connected, plus DTLS failures). It divides them by an estimate of the connections active in the window: connections whose ICE connected in it, plus the number connected at once (samples with a round-trip time, times the SDK's ${SDK_SAMPLE_SECONDS}-second sampling interval) spread over the window. It gives no value where no connection connected, so a region where ICE never connects pages through the call-setup SLO instead; an app sampling at another interval skews the estimate.`,
    cases: [
      {
        name: 'connections fail after connecting',
        series: [
          { selector: ATTEMPTS, perMinute: 100 },
          { selector: ICE_CONNECTED, perMinute: 100 },
          { selector: FAILURES, perMinute: 10 },
          { selector: CONNECTED_SAMPLES, perMinute: 3000 },
        ],
        fires: true,
      },
      {
        name: 'ICE never connects: no pair-formation and no sample series',
        series: [
          { selector: ATTEMPTS, perMinute: 100 },
          { selector: FAILURES, perMinute: 100 },
        ],
        fires: false,
      },
      {
        name: 'ICE stopped connecting: the pair-formation and sample series exist but stay flat',
        series: [
          { selector: ATTEMPTS, perMinute: 100 },
          { selector: ICE_CONNECTED, perMinute: 0 },
          { selector: FAILURES, perMinute: 100 },
          { selector: CONNECTED_SAMPLES, perMinute: 0 },
        ],
        fires: false,
      },
      {
        name: 'failures during setup only, ICE of the others connected',
        series: [
          { selector: ATTEMPTS, perMinute: 100 },
          { selector: ICE_CONNECTED, perMinute: 80 },
          { selector: FAILURES, perMinute: 20 },
          { selector: CONNECTED_SAMPLES, perMinute: 3000 },
        ],
        fires: false,
      },
    ],
  },
  sql: {
    requires: {
      samples: ['tenant', 'region', 'session_id', 'pc_id', 'ts'],
      events: ['tenant', 'region', 'session_id', 'pc_id', 'ts', 'type', 'state'],
    },
    labels: ['region'],
    query: midCallFailuresSql,
  },
  grafana: true,
};
