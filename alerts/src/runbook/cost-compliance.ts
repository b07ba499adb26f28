import { DASHBOARD } from './dashboards.js';
import { COST_COUNTERS, COST_CPU, COST_EGRESS, COST_RAM, SFU_PARTICIPANT_TIME, USAGE_COLUMNS, costComponentsSql } from './cost-sql.js';
import { atLeastHours, inWindow, percent, share } from './sql.js';
import { TABLE } from './telemetry.js';
import type { RunbookPage } from './types.js';

/** Default infrastructure budget per participant-hour, in the pricing config's currency. Tune per deployment. */
export const COST_BUDGET_PER_PARTICIPANT_HOUR = 0.05;

/** The cost family: spend per participant-hour and the share of traffic relayed through TURN. */
export const COST_RUNAWAY: RunbookPage = {
  slug: 'cost-runaway',
  title: 'Infrastructure cost per participant-hour runs away',
  severity: 'warn',
  area: 'cost',
  symptom: 'Nothing is wrong for users; the invoice is. Spend grows faster than participant-minutes.',
  rootCause:
    'More traffic than necessary: receivers on top layers (entry 4), leaked TURN allocations (entry 10), a rising share of relayed sessions after a network or firewall change, or egress-heavy large rooms (entry 8).',
  fix: [
    'Decompose cost per participant-hour into CPU, RAM, egress and storage and follow the largest mover.',
    'A jump in relay share: check STUN reachability and recent firewall or ICE-server configuration changes.',
  ],
  telemetry:
    'Cost per participant-hour from server reports and the pricing config; the share of active peer connections whose selected local candidate is a relay.',
  confirm: [
    {
      dashboard: DASHBOARD.cost,
      panel: 'Cost per participant-hour by component',
      look: 'which component moved.',
    },
    {
      dashboard: DASHBOARD.cost,
      panel: 'TURN relay share',
      look: 'a step in the share of relayed connections (RelayShareHigh).',
    },
    {
      dashboard: DASHBOARD.cost,
      panel: 'TURN relayed GB by protocol and region',
      look: 'where the relayed gigabytes come from.',
    },
  ],
  silence: {
    when: 'For a known, accepted change only, such as a customer that forces relay for policy reasons: silence that `tenant`.',
    by: ['tenant'],
    duration: '30d',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'relay-share-high',
      alert: 'RelayShareHigh',
      severity: 'warn',
      comparator: '>',
      threshold: 30,
      unit: '%',
      for: '15m',
      summary: 'Over 30% of connections are relayed through TURN in {{ $labels.region }}',
      description:
        'More than 30% of the active peer connections in {{ $labels.region }} use a TURN relay. Relayed traffic is paid twice; check whether direct paths broke.',
      sql: {
        requires: { samples: ['tenant', 'region', 'session_id', 'pc_id', 'ts', 'local_candidate_type'] },
        labels: ['region'],
        lookbackSeconds: 900,
        query: (ctx) => `SELECT tenant, region,
  ${percent("uniqExactIf(session_id, pc_id, local_candidate_type = 'relay')", 'uniqExact(session_id, pc_id)')} AS value
FROM samples
WHERE ${inWindow(ctx)} AND local_candidate_type != ''
GROUP BY tenant, region`,
      },
      grafana: true,
    },
    {
      id: 'cost-per-participant-hour',
      alert: 'CostPerParticipantHourHigh',
      severity: 'warn',
      comparator: '>',
      threshold: COST_BUDGET_PER_PARTICIPANT_HOUR,
      unit: 'per participant-hour',
      for: '1h',
      summary: 'Infrastructure cost per participant-hour above budget',
      description: `Over the last 6 hours the computed infrastructure cost exceeded ${COST_BUDGET_PER_PARTICIPANT_HOUR} per participant-hour. Decompose it to find the component that moved.`,
      prometheus: {
        kind: 'ratio',
        numerator: COST_COUNTERS,
        denominator: [SFU_PARTICIPANT_TIME],
        scale: 1,
        by: [],
        window: '6h',
        cases: [
          {
            name: 'no recorder: the storage cost counter was never created',
            series: [
              { selector: COST_CPU, perMinute: 0.02 },
              { selector: COST_RAM, perMinute: 0.01 },
              { selector: COST_EGRESS, perMinute: 0.07 },
              { selector: SFU_PARTICIPANT_TIME, perMinute: 1 },
            ],
            fires: true,
          },
          {
            name: 'SFUs without node usage: egress is the only cost counter',
            series: [
              { selector: COST_EGRESS, perMinute: 0.1 },
              { selector: SFU_PARTICIPANT_TIME, perMinute: 1 },
            ],
            fires: true,
          },
          {
            name: 'within budget, storage missing',
            series: [
              { selector: COST_CPU, perMinute: 0.01 },
              { selector: COST_RAM, perMinute: 0.01 },
              { selector: COST_EGRESS, perMinute: 0.01 },
              { selector: SFU_PARTICIPANT_TIME, perMinute: 1 },
            ],
            fires: false,
          },
        ],
      },
      sql: {
        requires: { [TABLE.serverEvents]: USAGE_COLUMNS },
        labels: [],
        query: (ctx) => `SELECT tenant, ${share('cpu + ram + egress + storage', 'hours')} AS value
FROM (
${costComponentsSql(ctx)}
)
WHERE ${atLeastHours('hours', '1')}`,
      },
      grafana: true,
    },
  ],
};

