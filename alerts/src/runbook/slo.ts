import { DASHBOARD } from './dashboards.js';
import { durationSeconds } from './durations.js';
import { inWindow, lastSeconds, percent, share, tenantCondition } from './sql.js';
import { EVENT } from './telemetry.js';
import type { AlertRule, Duration, MetricSelector, RunbookPage, Severity, SqlContext } from './types.js';

/** A service-level objective measured as bad events over all events. */
export interface Slo {
  readonly id: string;
  readonly name: string;
  /** Target share of good events. */
  readonly objective: number;
  readonly bad: MetricSelector;
  readonly total: MetricSelector;
  /**
   * SQL: per tenant, the bad share over the rule's window (`ctx.lookbackSeconds`,
   * the long window of the pair) as `long_ratio` and over the last `short` seconds as `short_ratio`.
   */
  readonly ratios: (ctx: SqlContext, short: number) => string;
  readonly requires: Readonly<Record<string, readonly string[]>>;
}

/** One burn-rate tier: the factor and its window pair (Google SRE workbook, chapter 5). */
interface BurnTier {
  readonly factor: number;
  readonly long: Duration;
  readonly short: Duration;
  readonly severity: Severity;
  readonly for: Duration;
  readonly speed: 'Fast' | 'Slow';
}

/** Fast burn pages (2% of a 30-day budget in an hour); slow burn opens a ticket (5% in six hours). */
export const BURN_TIERS: readonly BurnTier[] = [
  { factor: 14.4, long: '1h', short: '5m', severity: 'page', for: '2m', speed: 'Fast' },
  { factor: 6, long: '6h', short: '30m', severity: 'warn', for: '15m', speed: 'Slow' },
];

function setupRatios(ctx: SqlContext, short: number): string {
  const recent = `added_at > ${ctx.now} - INTERVAL ${short} SECOND`;
  return `SELECT tenant, ${share('countIf(bad)', 'count()')} AS long_ratio, ${share(`countIf(bad AND ${recent})`, `countIf(${recent})`)} AS short_ratio
FROM (
  SELECT tenant, minIf(ts, type = '${EVENT.pcAdded}') AS added_at,
    countIf(type = '${EVENT.connectionState}' AND state = 'failed') > 0
      AND countIf(type = '${EVENT.connectionState}' AND state = 'connected') = 0 AS bad
  FROM events
  WHERE ${inWindow(ctx)} AND pc_id != ''
  GROUP BY tenant, session_id, pc_id
  HAVING countIf(type = '${EVENT.pcAdded}') > 0
)
GROUP BY tenant`;
}

function degradedRatios(ctx: SqlContext, short: number): string {
  const recent = `ended_at > ${ctx.now} - INTERVAL ${short} SECOND`;
  return `SELECT tenant, ${share('countIf(degraded)', 'count()')} AS long_ratio,
  ${share(`countIf(degraded AND ${recent})`, `countIf(${recent})`)} AS short_ratio
FROM (
  SELECT tenant, max(ts) AS ended_at, argMax(state, ts) = 'degraded' AS degraded
  FROM events
  WHERE ${inWindow(ctx)} AND type = '${EVENT.sessionQuality}'
  GROUP BY tenant, session_id
)
GROUP BY tenant`;
}

/** Call setup: peer connections that fail before they ever connect. Objective 99%. */
export const CALL_SETUP_SLO: Slo = {
  id: 'call-setup',
  name: 'call setup success',
  objective: 0.99,
  bad: { metric: 'webrtc.connection.failures' },
  /** Counts `pc.added` events (registry counter `webrtc.connection.attempts`). */
  total: { metric: 'webrtc.connection.attempts' },
  ratios: setupRatios,
  requires: { events: ['tenant', 'session_id', 'pc_id', 'ts', 'type', 'state'] },
};

/**
 * Degraded sessions: share of ended sessions the SDK classified degraded
 * (at least 20% of their media intervals under MOS 3.6 or 10% frozen video;
 * `session.quality` event). Objective 95%.
 */
export const DEGRADED_SESSION_SLO: Slo = {
  id: 'degraded-sessions',
  name: 'non-degraded sessions',
  objective: 0.95,
  bad: { metric: 'webrtc.session.degraded' },
  total: { metric: 'webrtc.session.degraded_share', series: 'count' },
  ratios: degradedRatios,
  requires: { events: ['tenant', 'session_id', 'ts', 'type', 'state'] },
};

/** The fast and slow burn-rate alerts of one SLO. */
export function burnRateRules(slo: Slo, alertStem: string): AlertRule[] {
  return BURN_TIERS.map((tier) => {
    const short = durationSeconds(tier.short);
    const budget = +(1 - slo.objective).toFixed(6);
    return {
      id: `${slo.id}-burn-${tier.speed.toLowerCase()}`,
      alert: `${alertStem}${tier.speed}Burn`,
      severity: tier.severity,
      comparator: '>',
      threshold: tier.factor,
      unit: 'x error budget',
      for: tier.for,
      summary: `${slo.name} is burning its error budget ${tier.factor}x too fast`,
      description: `Over both the last ${tier.long} and the last ${tier.short}, the ${slo.name} SLO (objective ${slo.objective * 100}%) consumed its error budget more than ${tier.factor} times faster than sustainable.`,
      prometheus: {
        kind: 'burn-rate',
        slo: slo.id,
        objective: slo.objective,
        bad: slo.bad,
        total: slo.total,
        longWindow: tier.long,
        shortWindow: tier.short,
      },
      sql: {
        requires: slo.requires,
        labels: [],
        query: (ctx) => `SELECT tenant, least(long_ratio, short_ratio) / ${budget} AS value
FROM (
${slo.ratios(ctx, short)}
)`,
      },
      grafana: false,
    };
  });
}

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

/** The errors family: SLO burn rates and mid-call connection failures. */
export const RELIABILITY_SLOS: RunbookPage = {
  slug: 'reliability-slos',
  title: 'Call setup, connection failures and degraded sessions',
  severity: 'page',
  area: 'errors',
  symptom:
    'Calls do not connect, drop in the middle, or are so degraded that users give up. The error budget of the call-setup or degraded-session objective is being spent too fast.',
  rootCause:
    'A lifecycle stage breaks (ICE, DTLS or the connection itself), a network path blackholes traffic after connecting, or a quality regression makes a growing share of sessions degraded.',
  fix: [
    'Find the failing stage and slice (browser, region, candidate type) on the errors dashboard.',
    'Roll back the release or route traffic away from the region; then follow the matching numbered entry of this runbook.',
  ],
  telemetry:
    'Peer connections added, connected and failed (`pc.added`, `connection.state` events); sessions the SDK classified degraded (`session.quality`); multi-window burn rates (1h/5m at 14.4x pages, 6h/30m at 6x warns).',
  confirm: {
    dashboard: DASHBOARD.overview,
    look: 'Call-setup success and degraded share; then the errors dashboard, lifecycle failures by stage and browser.',
  },
  silence:
    'Silence a fast-burn page only with an incident open and an end time; the slow-burn warning keeps watching the budget meanwhile.',
  rules: [
    ...burnRateRules(CALL_SETUP_SLO, 'CallSetupErrorBudget'),
    ...burnRateRules(DEGRADED_SESSION_SLO, 'DegradedSessionsErrorBudget'),
    {
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
        numerator: [{ metric: 'webrtc.connection.failures' }],
        denominator: [{ metric: 'webrtc.ice.pair_formation_time', series: 'count' }],
        scale: 100,
        by: ['region'],
        window: '15m',
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
    },
  ],
};
