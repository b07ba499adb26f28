import { DASHBOARD } from './dashboards.js';
import { durationSeconds } from './durations.js';
import { inWindow, share } from './sql.js';
import { EVENT } from './telemetry.js';
import { ATTEMPTS, DTLS_FAILURES, FAILURES, ICE_CONNECTED, SETUP_FAILURES } from './connection-counters.js';
import { MID_CALL_FAILURES_RULE } from './mid-call-failures.js';
import type { AlertRule, CounterExpr, Duration, MetricSelector, PromtoolCase, RunbookPage, Severity, SqlContext } from './types.js';

/** A service-level objective measured as bad events over all events. */
export interface Slo {
  readonly id: string;
  readonly name: string;
  /** Target share of good events. */
  readonly objective: number;
  readonly bad: CounterExpr;
  readonly total: MetricSelector;
  /** What the Prometheus form measures where the counters cannot say exactly what the SQL form counts. */
  readonly measures?: string;
  /** promtool cases of the burn-rate pair (each case is checked for both alerts). */
  readonly cases?: readonly PromtoolCase[];
  /**
   * SQL: per tenant, the bad share over the rule's window (`ctx.lookbackSeconds`,
   * the long window of the pair) as `long_ratio`, over the last `short` seconds as
   * `short_ratio`, and the bad events of the long window as `long_bad`.
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

/**
 * Fewest bad events in a burn-rate alert's long window for it to fire. On a
 * quiet tenant one failed connection out of three is a 33 % error ratio,
 * 33x a 1 % budget: without a floor a single user's bad network pages. Five
 * failures within the hour still page a small tenant whose calls all fail.
 */
export const MIN_BAD_EVENTS = 5;

/** Fast burn pages (2% of a 30-day budget in an hour); slow burn opens a ticket (5% in six hours). */
export const BURN_TIERS: readonly BurnTier[] = [
  { factor: 14.4, long: '1h', short: '5m', severity: 'page', for: '2m', speed: 'Fast' },
  { factor: 6, long: '6h', short: '30m', severity: 'warn', for: '15m', speed: 'Slow' },
];

function setupRatios(ctx: SqlContext, short: number): string {
  const recent = `added_at > ${ctx.now} - INTERVAL ${short} SECOND`;
  return `SELECT tenant, ${share('countIf(bad)', 'count()')} AS long_ratio, ${share(`countIf(bad AND ${recent})`, `countIf(${recent})`)} AS short_ratio,
  countIf(bad) AS long_bad
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
  ${share(`countIf(degraded AND ${recent})`, `countIf(${recent})`)} AS short_ratio,
  countIf(degraded) AS long_bad
FROM (
  SELECT tenant, max(ts) AS ended_at, argMax(state, ts) = 'degraded' AS degraded
  FROM events
  WHERE ${inWindow(ctx)} AND type = '${EVENT.sessionQuality}'
  GROUP BY tenant, session_id
)
GROUP BY tenant`;
}

/**
 * promtool cases of the bad-event floor, for an SLO whose every event is bad:
 * a quiet tenant stays under {@link MIN_BAD_EVENTS} over the longest test run
 * (27 minutes, the slow tier's) and must not fire; a small tenant at 0.6 a
 * minute passes it within the fast tier's first 12 minutes and must.
 */
function floorCases(total: MetricSelector, bad: MetricSelector): PromtoolCase[] {
  const quiet = (MIN_BAD_EVENTS - 1) / 30;
  return [
    {
      name: `a quiet tenant: every event bad, but fewer than ${MIN_BAD_EVENTS} within the long window`,
      series: [{ selector: total, perMinute: quiet }, { selector: bad, perMinute: quiet }],
      fires: false,
    },
    {
      // Rules evaluated out of step with scrapes: increase() read these 4 as 5.2 at 4m and paged.
      name: `a quiet tenant whose first ${MIN_BAD_EVENTS - 1} events all fail in one scrape, rules evaluated out of step with scrapes`,
      interval: '61s',
      evalAt: '4m',
      series: [
        { selector: total, perMinute: 0, values: `0 ${MIN_BAD_EVENTS - 1}x15` },
        { selector: bad, perMinute: 0, values: `0 ${MIN_BAD_EVENTS - 1}x15` },
      ],
      fires: false,
    },
    {
      // A counter reset (the collector restarted at 61m) must not hide the failures counted since (the floor is met at 66m).
      name: 'every event bad since a collector restart an hour in: the counts since the restart pass the floor',
      evalAt: '85m',
      series: [
        { selector: total, perMinute: 0, values: '100x60 0+1x30' },
        { selector: bad, perMinute: 0, values: '100x60 0+1x30' },
      ],
      fires: true,
    },
    {
      name: `a small tenant, every event bad: ${MIN_BAD_EVENTS} or more within the long window`,
      series: [{ selector: total, perMinute: 0.6 }, { selector: bad, perMinute: 0.6 }],
      fires: true,
    },
  ];
}

/** Call setup: peer connections that fail before they ever connect. Objective 99%. */
export const CALL_SETUP_SLO: Slo = {
  id: 'call-setup',
  name: 'call setup success',
  objective: 0.99,
  bad: SETUP_FAILURES,
  /** Counts `pc.added` events (registry counter `webrtc.connection.attempts`). */
  total: ATTEMPTS,
  measures:
    'The counters do not say whether a failed connection had connected, so the Prometheus form counts as bad the smaller of (a) connections that reached `failed` and (b) connections created minus connections whose ICE connected, plus DTLS failures, over the window, out of connections created. It equals the SQL form when the window\'s failures are all setup failures or all mid-call; (b) also counts connections closed while connecting and connections the SDK began observing after they had connected, so when mid-call failures and such connections coincide it overstates setup failures.',
  cases: [
    {
      name: 'ICE never connects: no pair-formation and no DTLS series, every connection fails',
      series: [
        { selector: ATTEMPTS, perMinute: 100 },
        { selector: FAILURES, perMinute: 100 },
      ],
      fires: true,
    },
    {
      name: 'every failure happens mid-call, after ICE connected',
      series: [
        { selector: ATTEMPTS, perMinute: 100 },
        { selector: ICE_CONNECTED, perMinute: 100 },
        { selector: FAILURES, perMinute: 50 },
      ],
      fires: false,
    },
    {
      name: 'DTLS fails after ICE connected',
      series: [
        { selector: ATTEMPTS, perMinute: 100 },
        { selector: ICE_CONNECTED, perMinute: 100 },
        { selector: DTLS_FAILURES, perMinute: 30 },
        { selector: FAILURES, perMinute: 30 },
      ],
      fires: true,
    },
    {
      name: 'connections closed while connecting, none failed (no failure series)',
      series: [
        { selector: ATTEMPTS, perMinute: 100 },
        { selector: ICE_CONNECTED, perMinute: 60 },
      ],
      fires: false,
    },
    ...floorCases(ATTEMPTS, FAILURES),
  ],
  ratios: setupRatios,
  requires: { events: ['tenant', 'session_id', 'pc_id', 'ts', 'type', 'state'] },
};

const DEGRADED: MetricSelector = { metric: 'webrtc.session.degraded' };
const DEGRADED_TOTAL: MetricSelector = { metric: 'webrtc.session.degraded_share', series: 'count' };

/**
 * Degraded sessions: share of ended sessions the SDK classified degraded
 * (at least 20% of their media intervals under MOS 3.6 or 10% frozen video;
 * `session.quality` event). Objective 95%.
 */
export const DEGRADED_SESSION_SLO: Slo = {
  id: 'degraded-sessions',
  name: 'non-degraded sessions',
  objective: 0.95,
  bad: DEGRADED,
  total: DEGRADED_TOTAL,
  cases: floorCases(DEGRADED_TOTAL, DEGRADED),
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
      description: `Over both the last ${tier.long} and the last ${tier.short}, the ${slo.name} SLO (objective ${slo.objective * 100}%) consumed its error budget more than ${tier.factor} times faster than sustainable, with at least ${MIN_BAD_EVENTS} bad events in the last ${tier.long}.`,
      prometheus: {
        kind: 'burn-rate',
        slo: slo.id,
        objective: slo.objective,
        bad: slo.bad,
        total: slo.total,
        longWindow: tier.long,
        shortWindow: tier.short,
        minBad: MIN_BAD_EVENTS,
        ...(slo.measures ? { measures: slo.measures } : {}),
        ...(slo.cases ? { cases: slo.cases } : {}),
      },
      sql: {
        requires: slo.requires,
        labels: [],
        query: (ctx) => `SELECT tenant, least(long_ratio, short_ratio) / ${budget} AS value
FROM (
${slo.ratios(ctx, short)}
)
WHERE long_bad >= ${MIN_BAD_EVENTS}`,
      },
      grafana: false,
    };
  });
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
    'Peer connections added, connected and failed (`pc.added`, `connection.state` events); sessions the SDK classified degraded (`session.quality`); ' +
    `multi-window burn rates (1h/5m at 14.4x pages, 6h/30m at 6x warns), each needing at least ${MIN_BAD_EVENTS} bad events in its long window.`,
  confirm: [
    { dashboard: DASHBOARD.overview, panel: 'Call-setup success', look: 'CallSetupErrorBudget*: the success rate dropping.' },
    { dashboard: DASHBOARD.errors, panel: 'Degraded sessions', look: 'DegradedSessionsErrorBudget*: the degraded share rising.' },
    { dashboard: DASHBOARD.errors, panel: 'Failures by stage', look: 'which stage fails (ICE, DTLS, connection).' },
    { dashboard: DASHBOARD.errors, panel: 'Failures by stage and browser', look: 'whether one browser carries the failures.' },
    { dashboard: DASHBOARD.errors, panel: 'ICE disconnected and failed', look: 'ConnectionFailures: ICE going to failed after having been connected.' },
    { dashboard: DASHBOARD.errors, panel: 'Recent failures', look: 'sessions to open in the drill-down.' },
  ],
  silence: {
    when: 'Only with an incident open and an end time: silence ConnectionFailures for the affected `region`. The burn-rate alerts carry no `region` label, so a silence covers them everywhere: silence a fast burn only that way, and the slow-burn warning keeps watching the budget meanwhile.',
    by: ['region'],
    duration: '2h',
    lacking: 'whole',
  },
  rules: [
    ...burnRateRules(CALL_SETUP_SLO, 'CallSetupErrorBudget'),
    ...burnRateRules(DEGRADED_SESSION_SLO, 'DegradedSessionsErrorBudget'),
    MID_CALL_FAILURES_RULE,
  ],
};
