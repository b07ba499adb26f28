import { DASHBOARD } from './dashboards.js';
import { inWindow, lastSeconds, tenantCondition } from './sql.js';
import { SERVER_KIND, TABLE } from './telemetry.js';
import type { RunbookPage } from './types.js';

/**
 * SQL over one peer connection's samples: the TURN allocations it holds (its
 * latest `turn_allocations`), or, from an SDK that does not count them, one
 * when its selected pair is relayed. Shared by the leak rule and its panel.
 */
export const TURN_ALLOCATIONS_HELD_SQL = "coalesce(argMax(turn_allocations, ts), toFloat64(max(local_candidate_type = 'relay')))";

/** A peer connection counts as live for the leak rule while it sent a sample within this many seconds. */
export const LIVE_CONNECTION_SECONDS = 60;

/** Entry 10: allocations outlive their sessions when `close()` is skipped. */
export const TURN_ALLOCATION_LEAK: RunbookPage = {
  entry: 10,
  slug: '10-turn-allocation-leak',
  title: 'TURN allocations leak when peer connections are not closed',
  severity: 'warn',
  area: 'cost and capacity',
  symptom:
    'Relayed gigabytes grow faster than the number of sessions, and TURN capacity alarms go off mid-week while new sessions stay flat.',
  rootCause:
    'Some exit path of the app (tab closed, navigation, an error, the browser killed) skips `pc.close()`, so the TURN allocation lives on until the server times it out (600 s by default in coturn).',
  fix: [
    'On `pagehide` send a beacon to the signalling backend so it tears the session down at the SFU and TURN side (the SDK sends its session end with keepalive there).',
    'Shorten the coturn allocation lifetime (for example 60 s) for sessions known to be short.',
  ],
  telemetry:
    'Active TURN allocations (coturn statistics through the collector) against the allocations live peer connections say they hold (their local relay candidates, one per allocation: a browser allocates once per network interface and TURN URL, so one connection often holds several); more than 5% apart means leaks. Session end reasons show which exit path skips the close.',
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'TURN allocations vs allocations live connections hold',
      look: 'the gap between what the TURN servers hold and what live connections say they hold.',
    },
    {
      dashboard: DASHBOARD.cost,
      panel: 'TURN relayed GB by protocol and region',
      look: 'relayed gigabytes growing faster than sessions.',
    },
    {
      language: 'sql',
      query: `SELECT end_reason, count() AS sessions
FROM sessions FINAL
WHERE tenant = {tenant:String} AND last_seen > now() - INTERVAL 1 DAY AND state = 'ended'
GROUP BY end_reason
ORDER BY sessions DESC`,
      look: 'how sessions ended (closed, pagehide, navigation, error, timeout): a large share not `closed` names the exit path that skips `pc.close()`.',
    },
  ],
  silence: {
    when: 'For the length of a TURN node drain or restart (allocations and sessions briefly disagree); otherwise keep it, leaks cost money every minute.',
    by: [],
    duration: '1h',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'turn-allocations-vs-sessions',
      alert: 'TurnAllocationsMismatch',
      severity: 'warn',
      comparator: '>',
      threshold: 5,
      unit: '%',
      for: '10m',
      summary: 'TURN allocations differ from those live connections hold by over 5%',
      description:
        'The TURN servers hold more than 5% more (or fewer) allocations than live peer connections report holding. Allocations are leaking where `close()` is missed.',
      sql: {
        requires: {
          [TABLE.serverEvents]: ['tenant', 'ts', 'kind', 'node_id', 'turn_allocations'],
          samples: ['tenant', 'session_id', 'pc_id', 'ts', 'local_candidate_type', 'turn_allocations'],
        },
        labels: [],
        lookbackSeconds: 300,
        query: (ctx) => `SELECT a.tenant AS tenant,
  100 * abs(a.allocations - l.live) / greatest(l.live, 1) AS value
FROM (
  SELECT tenant, sum(latest) AS allocations FROM (
    SELECT tenant, node_id, argMax(turn_allocations, ts) AS latest FROM ${TABLE.serverEvents}
    WHERE ${inWindow(ctx)} AND kind = '${SERVER_KIND.turn}' AND turn_allocations IS NOT NULL
    GROUP BY tenant, node_id
  ) GROUP BY tenant
) AS a
LEFT JOIN (
  SELECT tenant, sum(held) AS live FROM (
    SELECT tenant, session_id, pc_id,
      ${TURN_ALLOCATIONS_HELD_SQL} AS held
    FROM samples
    WHERE ${tenantCondition(ctx)} AND ${lastSeconds(ctx, LIVE_CONNECTION_SECONDS)}
    GROUP BY tenant, session_id, pc_id
  ) GROUP BY tenant
) AS l ON a.tenant = l.tenant`,
      },
      grafana: true,
    },
  ],
};
