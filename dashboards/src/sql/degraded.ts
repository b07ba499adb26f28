import { DEGRADED_SESSION_SLO } from '@rtcpulse/alerts';
import { METRICS, RUNBOOK_THRESHOLDS, sampleColumns, type MetricDefinition } from '@rtcpulse/schema';
import { clientScope, CLIENT_SCOPE_COLUMNS } from './filters.js';
import type { Needs } from './needs.js';

/**
 * "Degraded session" as the SLO counts it (`DEGRADED_SESSION_SLO` in
 * `alerts/src/runbook/slo.ts`) and the registry defines it: the SDK
 * classifies each session when it ends and sends the `session.quality`
 * event, `state` `degraded` when at least 20 % of its media intervals were
 * degraded (an audio MOS under 3.6, or 10 % or more of the interval's
 * inbound video frozen). The event type and its degraded state come from the
 * registry metric the SLO counts as bad (`webrtc.session.degraded`); the
 * thresholds from the registry's `RUNBOOK_THRESHOLDS`. RTT, jitter and loss
 * are not part of it: they have their own percentile alerts.
 */

function registryMetric(name: string): MetricDefinition {
  const registry: readonly MetricDefinition[] = METRICS;
  const metric = registry.find((m) => m.name === name);
  if (!metric) throw new Error(`registry has no metric ${name}`);
  return metric;
}

function eventWithState(metric: MetricDefinition): { event: string; state: string } {
  const state = metric.scope === 'event' ? metric.states?.[0] : undefined;
  if (metric.scope !== 'event' || state === undefined) throw new Error(`${metric.name} is not an event counter with a state`);
  return { event: metric.event, state };
}

function sloBadMetric(): string {
  const bad = DEGRADED_SESSION_SLO.bad;
  if (!('metric' in bad)) throw new Error(`the ${DEGRADED_SESSION_SLO.id} SLO's bad events are not one registry counter`);
  return bad.metric;
}

const BAD = eventWithState(registryMetric(sloBadMetric()));

/** The event the SDK sends with its classification (`session.quality`). */
export const SESSION_QUALITY_EVENT: string = BAD.event;
/** The event state of a degraded session (`degraded`). */
export const DEGRADED_STATE: string = BAD.state;

function degradedLine(metric: string): number {
  const line = RUNBOOK_THRESHOLDS.find((t) => t.entry === 0 && t.metric === metric && t.meaning.includes('degraded'));
  if (!line) throw new Error(`registry has no "degraded" threshold for ${metric}`);
  return line.value;
}

/** An interval with an audio MOS under this is degraded. */
export const DEGRADED_MOS = degradedLine('webrtc.stream.mos');
/** An interval with at least this share (%) of inbound video frozen is degraded. */
export const DEGRADED_FREEZE_PCT = degradedLine('webrtc.stream.freeze_time');
/** A session with at least this share (%) of degraded media intervals is degraded. */
export const DEGRADED_SESSION_PCT = degradedLine('webrtc.session.degraded_share');

/** The rule in words, for panel descriptions. */
export const DEGRADED_RULE_TEXT = `at least ${DEGRADED_SESSION_PCT}% of media intervals with an audio MOS under ${DEGRADED_MOS} or ${DEGRADED_FREEZE_PCT}% or more of the inbound video frozen`;

const MOS_COLUMNS = sampleColumns().filter((c) => c.metric.name === 'webrtc.stream.mos' && c.stream?.startsWith('audio')).map((c) => c.column);
const FREEZE_COLUMNS = sampleColumns().filter((c) => c.metric.name === 'webrtc.stream.freeze_time' && c.stream === 'video_in').map((c) => c.column);

/**
 * Per session in range: `tenant`, `session_id`, `session_browser`,
 * `session_region`, `ended_at` (its latest classification) and `degraded`
 * (that classification is degraded): the inner query of the SLO's ratio,
 * with the dashboard's tenant, region and browser filters.
 */
export function classifiedSessionsSql(): string {
  return `SELECT tenant, session_id, any(browser) AS session_browser, any(region) AS session_region, max(ts) AS ended_at,
  argMax(state, ts) = '${DEGRADED_STATE}' AS degraded, argMax(value, ts) AS degraded_intervals_pct
FROM events
WHERE ${clientScope()}
  AND type = '${SESSION_QUALITY_EVENT}'
GROUP BY tenant, session_id`;
}

/** What {@link classifiedSessionsSql} reads. */
export const CLASSIFIED_SESSIONS_NEEDS: Needs = {
  tables: { events: [...CLIENT_SCOPE_COLUMNS, 'session_id', 'type', 'state', 'value'] },
  eventTypes: [SESSION_QUALITY_EVENT],
};

/**
 * SQL boolean over one `samples` row: the row is a degraded media interval
 * by the SDK's rule (lowest audio MOS under the line, or inbound video frozen
 * for at least the line). For sessions still live, before the SDK has sent
 * its classification.
 */
export function degradedIntervalSql(): string {
  const values = MOS_COLUMNS.map((c) => `ifNull(${c}, 9)`);
  const mos = values.length === 1 ? (values[0] ?? '9') : `least(${values.join(', ')})`;
  const frozen = FREEZE_COLUMNS.map((c) => `ifNull(${c}, 0) >= ${DEGRADED_FREEZE_PCT}`);
  return `(${[`${mos} < ${DEGRADED_MOS}`, ...frozen].join(' OR ')})`;
}

/** SQL boolean: the row is a media interval at all (has a MOS or an inbound video freeze share). */
export function mediaIntervalSql(): string {
  return `(${[...MOS_COLUMNS, ...FREEZE_COLUMNS].map((c) => `${c} IS NOT NULL`).join(' OR ')})`;
}

/** Columns {@link degradedIntervalSql} and {@link mediaIntervalSql} read. */
export function degradedColumns(): string[] {
  return [...MOS_COLUMNS, ...FREEZE_COLUMNS];
}
