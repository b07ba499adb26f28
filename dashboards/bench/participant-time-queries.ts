import { DEFAULT_PRICES, ruleById, ruleSql } from '@rtcpulse/alerts';
import { collectQueries, expandQuery, generateDashboards, type VariableValue } from '../src/index.js';
import { indentSql, sessionBucketsSql, type BucketDimension, type SessionMeasure } from '../src/sql/participant-time.js';
import { perSecondSessionBucketsSql } from '../test/participant-time-reference.js';

/**
 * The queries the participant-time bench times, by name: generated panel
 * SQL with the Grafana macros expanded as the tests do, every variable at
 * "All", over the last `rangeHours` before `endMs` at Grafana's interval for
 * that range.
 */

/** A time range of a dashboard and the interval Grafana picks for it on a ~1000 px wide panel. */
export interface BenchRange {
  readonly label: string;
  readonly hours: number;
  readonly intervalMs: number;
}

export const RANGES: readonly BenchRange[] = [
  { label: '1 h', hours: 1, intervalMs: 5_000 },
  { label: '24 h', hours: 24, intervalMs: 60_000 },
  { label: '7 d', hours: 168, intervalMs: 600_000 },
];

/** A participant-time panel and the `sessionBucketsSql` call it is built on. */
interface ParticipantPanel {
  readonly dashboard: string;
  readonly title: string;
  readonly measures: readonly SessionMeasure[];
  readonly dimension?: BucketDimension;
}

/** The participant-time panels timed (as `dashboards/src/boards/cost.ts` builds them). */
export const PARTICIPANT_PANELS: readonly ParticipantPanel[] = [
  { dashboard: 'rtcpulse-cost', title: 'Participant-minutes', measures: [] },
  {
    dashboard: 'rtcpulse-cost',
    title: 'Client bytes per participant-minute',
    measures: [{ sql: 'sum(ifNull(bytes_sent, 0) + ifNull(bytes_received, 0))', alias: 'client_bytes' }],
    dimension: { sql: 'local_candidate_type', alias: 'candidate_type' },
  },
];

/** The baseline: a panel over the same `samples` rows that needs no participant time. */
export const BASELINE_PANEL = { dashboard: 'rtcpulse-quality', title: 'Round-trip time — p50 / p95 / p99' } as const;

const queries = generateDashboards().flatMap(collectQueries);

function panelSql(dashboard: string, title: string): string {
  const found = queries.filter((q) => q.dashboard === dashboard && q.where === title);
  if (found.length !== 1 || !found[0]) throw new Error(`${dashboard} / ${title}: ${found.length} queries`);
  return found[0].rawSql;
}

/** The panel as generated, or with its participant-time subquery in the first, per-second formulation. */
export function participantPanelSql(panel: ParticipantPanel, formulation: 'per-second' | 'current'): string {
  const raw = panelSql(panel.dashboard, panel.title);
  if (formulation === 'current') return raw;
  const current = indentSql(sessionBucketsSql(panel.measures, panel.dimension));
  if (!raw.includes(current)) throw new Error(`${panel.title}: its SQL no longer embeds sessionBucketsSql as the bench builds it`);
  return raw.replace(current, indentSql(perSecondSessionBucketsSql(panel.measures, panel.dimension)));
}

const ALL: VariableValue = { all: true, options: [] };

/** `sql` expanded over the last `range` before `endMs`. */
export function expandOver(sql: string, range: BenchRange, endMs: number): string {
  return expandQuery(sql, {
    from: new Date(endMs - range.hours * 3_600_000),
    to: new Date(endMs),
    intervalMs: range.intervalMs,
    variables: { tenant: ALL, region: ALL, browser: ALL },
  });
}

/** A query the child process runs, named by the parent. */
export type QuerySpec =
  | { readonly kind: 'baseline'; readonly range: string }
  | { readonly kind: 'panel'; readonly range: string; readonly panel: number; readonly formulation: 'per-second' | 'current' }
  | { readonly kind: 'rule'; readonly id: string };

/** The SQL of `spec` over the seed ending at `endMs`. */
export function specSql(spec: QuerySpec, endMs: number): string {
  if (spec.kind === 'rule') {
    return ruleSql(ruleById(spec.id).rule, { now: `fromUnixTimestamp64Milli(${endMs})`, oneTenant: false, prices: DEFAULT_PRICES });
  }
  const range = RANGES.find((r) => r.label === spec.range);
  if (!range) throw new Error(`unknown range ${spec.range}`);
  if (spec.kind === 'baseline') return expandOver(panelSql(BASELINE_PANEL.dashboard, BASELINE_PANEL.title), range, endMs);
  const panel = PARTICIPANT_PANELS[spec.panel];
  if (!panel) throw new Error(`unknown panel ${spec.panel}`);
  return expandOver(participantPanelSql(panel, spec.formulation), range, endMs);
}
