import { DASHBOARD } from './dashboards.js';
import { percent } from './sql.js';
import { COST_COUNTERS, COST_CPU, COST_EGRESS, COST_RAM, USAGE_COLUMNS, costComponentsSql } from './cost-sql.js';
import { TABLE } from './telemetry.js';
import type { RunbookPage } from './types.js';

/** Entry 8: at large room sizes, egress bandwidth dominates the bill. */
export const EGRESS_DOMINATES: RunbookPage = {
  entry: 8,
  slug: '08-egress-dominates-cost',
  title: 'SFU egress dominates infrastructure cost in large rooms',
  severity: 'warn',
  area: 'cost shape',
  symptom:
    'Per-participant compute looks cheap in development, but in production rooms of a few hundred to a thousand people bandwidth becomes most of the infrastructure bill.',
  rootCause:
    'In big rooms bandwidth costs more than CPU at most cloud providers: every receive-only viewer adds egress but almost no compute.',
  fix: [
    'Above roughly 1 PB a month, negotiate committed egress pricing.',
    'Store recordings where egress is cheap.',
    'For the largest audiences, serve viewers over LL-HLS through a CDN, where cached segments cost little.',
  ],
  telemetry:
    'Cost per participant-hour split into CPU, RAM, egress and storage: the collector turns SFU, TURN, recorder and node reports into cost with its pricing config (`webrtc.cost.*` counters; the SQL form applies the same prices to the usage in `server_events`, as `GET /v1/server/cost` does). A component with no usage (no recorder, no TURN) counts as zero; the share is judged only where some node reports CPU, since without compute cost egress is trivially all of it.',
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'Egress share of infrastructure cost',
      look: 'the share over time against the 60 % line.',
    },
    {
      dashboard: DASHBOARD.cost,
      panel: 'Cost per participant-hour by component',
      look: 'egress against CPU, RAM and storage per participant-hour.',
    },
    {
      language: 'http',
      query: 'GET /v1/server/cost?from=<epoch ms, 6 h ago>&to=<epoch ms, now>   (Authorization: Bearer <the tenant\'s read key>)',
      look: 'the same decomposition for one tenant, in dollars and per participant-hour, as the collector prices it (`cost.egress` over `cost.total` is the share).',
    },
  ],
  silence: {
    when: 'A cost-shape warning: once a decision (committed pricing, CDN fan-out) is on record, silence that `tenant`. The Prometheus form sums the whole deployment, so silence it only for a decision that covers every tenant.',
    by: ['tenant'],
    duration: '90d',
    lacking: 'whole',
  },
  rules: [
    {
      id: 'egress-cost-share',
      alert: 'EgressCostShareHigh',
      severity: 'warn',
      comparator: '>',
      threshold: 60,
      unit: '%',
      for: '1h',
      summary: 'Egress is over 60% of infrastructure cost',
      description:
        'Over the last 6 hours, egress made up more than 60% of the computed infrastructure cost. Time to look at committed pricing or CDN fan-out.',
      prometheus: {
        kind: 'ratio',
        numerator: [COST_EGRESS],
        denominator: COST_COUNTERS,
        anchor: COST_CPU,
        scale: 100,
        by: [],
        window: '6h',
        cases: [
          {
            name: 'no recorder: the storage cost counter was never created',
            series: [
              { selector: COST_CPU, perMinute: 6 },
              { selector: COST_RAM, perMinute: 4 },
              { selector: COST_EGRESS, perMinute: 90 },
            ],
            fires: true,
          },
          {
            name: 'no TURN and no recorder: egress from the SFUs only, storage missing',
            series: [
              { selector: COST_CPU, perMinute: 30 },
              { selector: COST_RAM, perMinute: 20 },
              { selector: COST_EGRESS, perMinute: 50 },
            ],
            fires: false,
          },
          {
            name: 'no node reports CPU: the share is not judged',
            series: [{ selector: COST_EGRESS, perMinute: 90 }],
            fires: false,
          },
        ],
      },
      sql: {
        requires: { [TABLE.serverEvents]: USAGE_COLUMNS },
        labels: [],
        query: (ctx) => `SELECT tenant, ${percent('egress', 'cpu + ram + egress + storage')} AS value
FROM (
${costComponentsSql(ctx)}
)
WHERE cpu > 0`,
      },
      grafana: true,
    },
  ],
};
