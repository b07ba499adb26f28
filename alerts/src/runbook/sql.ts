import { QUANTILE_WINDOW } from '../prometheus/promql.js';
import { durationSeconds } from './durations.js';
import type { AlertRule, SqlContext, SqlForm, SqlTarget } from './types.js';

/**
 * Small helpers shared by the SQL forms. Every query returns `tenant`, its
 * label columns and a Float64 `value`; none of them reads a user id.
 */

/** `tenant = {tenant:String}` when evaluating one tenant, else a no-op condition. */
export function tenantCondition(ctx: SqlContext): string {
  return ctx.oneTenant ? 'tenant = {tenant:String}' : '1 = 1';
}

/** Rows of the last `seconds` before the evaluation instant (`column` in (now - seconds, now]). */
export function lastSeconds(ctx: SqlContext, seconds: number, column = 'ts'): string {
  return `${column} > ${ctx.now} - INTERVAL ${seconds} SECOND AND ${column} <= ${ctx.now}`;
}

/**
 * The rule's main window: its tenant condition and the rows of the last
 * `ctx.lookbackSeconds` (the rule's lookback, see {@link lookbackSeconds}) before the
 * evaluation instant. Extra windows of a rule use {@link lastSeconds}.
 */
export function inWindow(ctx: SqlContext, column = 'ts'): string {
  return `${tenantCondition(ctx)} AND ${lastSeconds(ctx, ctx.lookbackSeconds, column)}`;
}

/**
 * How far back a rule's SQL form looks, in seconds: its own `lookbackSeconds`,
 * else its PromQL window (a ratio's `window`, a burn rate's `longWindow`, the
 * recording rules' {@link QUANTILE_WINDOW} of a quantile), so a rule whose
 * two forms read the same window states it once.
 */
export function lookbackSeconds(rule: AlertRule): number {
  if (rule.sql.lookbackSeconds !== undefined) return rule.sql.lookbackSeconds;
  const p = rule.prometheus;
  if (p?.kind === 'ratio') return durationSeconds(p.window);
  if (p?.kind === 'burn-rate') return durationSeconds(p.longWindow);
  if (p?.kind === 'quantile') return durationSeconds(QUANTILE_WINDOW);
  throw new Error(`alert rule ${rule.id} has no PromQL window: its sql.lookbackSeconds must be set`);
}

/** A rule's SQL text for one target: its query with its own lookback in the context. */
export function ruleSql(rule: AlertRule, target: SqlTarget): string {
  return rule.sql.query({ ...target, lookbackSeconds: lookbackSeconds(rule) });
}

/** `100 * (part) / (whole)`, 0 when `whole` is 0 (ClickHouse would give nan); both bracketed, so either may be a sum. */
export function percent(part: string, whole: string): string {
  return `if((${whole}) = 0, 0, 100 * (${part}) / (${whole}))`;
}

/** `(part) / (whole)`, 0 when `whole` is 0; both bracketed, so either may be a sum. */
export function share(part: string, whole: string): string {
  return `if((${whole}) = 0, 0, (${part}) / (${whole}))`;
}

/**
 * `hours >= min` for a sum of participant-hours. Each report's hours are a
 * float (`participants × intervalMs / 3600000`), and a sum that is a whole
 * number on paper can land a hair under it (30 reports of 2 participants for
 * a minute sum to 0.9999999999999999), so the floor allows for that.
 */
export function atLeastHours(hours: string, min: string): string {
  return `${hours} >= ${min} - 1e-9`;
}

/** One stream column of `samples` with the Prometheus labels it stands for. */
export interface StreamColumn {
  readonly column: string;
  readonly mediaKind: 'audio' | 'video';
  readonly direction: 'inbound' | 'outbound';
}

/** The inbound audio and video columns of a stream metric key (e.g. `packet_loss_pct`). */
export function inboundColumns(key: string): readonly StreamColumn[] {
  return [
    { column: `audio_in_${key}`, mediaKind: 'audio', direction: 'inbound' },
    { column: `video_in_${key}`, mediaKind: 'video', direction: 'inbound' },
  ];
}

/**
 * Stream values as rows `(tenant, region, media_kind, v)`: one `UNION ALL`
 * branch per column, only rows where the column is set, within the rule's window.
 */
export function streamValues(ctx: SqlContext, columns: readonly StreamColumn[]): string {
  return columns
    .map(
      (c) =>
        `SELECT tenant, region, '${c.mediaKind}' AS media_kind, ${c.column} AS v FROM samples ` +
        `WHERE ${inWindow(ctx)} AND ${c.column} IS NOT NULL`,
    )
    .join('\n  UNION ALL\n  ');
}

/** The evaluation instant as epoch milliseconds (works for `now()` and a `DateTime64` parameter). */
export function nowMs(ctx: SqlContext): string {
  return `toUnixTimestamp64Milli(toDateTime64(${ctx.now}, 3))`;
}

/**
 * The SQL form of a per-region quantile of one event type's `value` (time
 * to a candidate pair, A/V offset, time to target bitrate): what the rule
 * needs, its label and its query.
 */
export function eventQuantileSql(type: string, quantile: number): Pick<SqlForm, 'requires' | 'labels' | 'query'> {
  return {
    requires: { events: ['tenant', 'region', 'ts', 'type', 'value'] },
    labels: ['region'],
    query: (ctx) => `SELECT tenant, region, quantileExact(${quantile})(events.value) AS value
FROM events
WHERE ${inWindow(ctx)} AND type = '${type}' AND events.value IS NOT NULL
GROUP BY tenant, region`,
  };
}
