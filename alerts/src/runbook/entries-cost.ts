import { GB } from './cost-sql.js';
import { DASHBOARD } from './dashboards.js';
import { atLeastHours, inWindow, share } from './sql.js';
import { SERVER_KIND, TABLE } from './telemetry.js';
import type { RunbookPage } from './types.js';
import { PARTICIPANT_TIME, participantHoursSql } from './volume.js';

/** Entry 4: every receiver gets the top simulcast layer and egress explodes. */
export const SIMULCAST_UNTUNED: RunbookPage = {
  entry: 4,
  slug: '04-simulcast-untuned',
  title: 'Receivers stuck on the top simulcast layer',
  severity: 'page',
  area: 'cost runaway',
  symptom:
    'Nobody complains about quality, but SFU egress is two to three times what the traffic should cost, and finance asks why the bandwidth invoice jumped.',
  rootCause:
    'Simulcast is on but the SFU never steps receivers down: congestion feedback is not reaching it, or it is configured to forward every layer, so each receiver gets the highest layer whatever its bandwidth.',
  fix: [
    'Check that the SFU switches layers per receiver from bandwidth-estimation feedback.',
    'Look at one session in the SFU debug view: egress equal to the publisher bitrate times the number of receivers means layers are not being dropped.',
    'Cap the bitrate per receiver as a safety net.',
  ],
  telemetry:
    'Egress GB per participant-hour by simulcast layer: the client view from received bytes (`webrtc.transport.received`) and the SFU view from its egress reports (`server_events`). On the client side a session\'s participant time is the union of its samples\' intervals over all its peer connections (parallel connections count once, a reconnect\'s connections add up), as `webrtc.participant.time` counts it. Budget about 1.5 GB per participant-hour at 720p; alert at 2.5.',
  confirm: [
    {
      dashboard: DASHBOARD.cost,
      panel: 'SFU egress by simulcast layer',
      look: 'the top layer ("f") carrying the egress while the lower layers stay empty.',
    },
    {
      dashboard: DASHBOARD.cost,
      panel: 'SFU egress per participant-hour',
      look: 'GB per participant-hour against the 1.5 budget and the 2.5 alert line.',
    },
    {
      dashboard: DASHBOARD.runbook,
      panel: 'Client receive volume per participant-hour',
      look: 'the same from the clients\' side (received bytes), which also covers deployments without SFU reports.',
    },
  ],
  silence: {
    when: 'Only for a customer that knowingly forces the top layer (for example a broadcast with few receivers): silence that `tenant`; the budget line stays on the cost dashboard.',
    by: ['tenant'],
    duration: '30d',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'client-receive-gb-per-hour',
      alert: 'ReceiveVolumePerParticipantHourHigh',
      severity: 'page',
      comparator: '>',
      threshold: 2.5,
      unit: 'GB per participant-hour',
      for: '15m',
      summary: 'Clients receive over 2.5 GB per participant-hour in {{ $labels.region }}',
      description:
        'Over the last 30 minutes clients in {{ $labels.region }} received more than 2.5 GB per participant-hour (budget 1.5 at 720p). Receivers are probably pinned to the top simulcast layer.',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.transport.received' }],
        denominator: [{ metric: PARTICIPANT_TIME.metric }],
        scale: 3600 / PARTICIPANT_TIME.secondsPerUnit / GB,
        by: ['region'],
        window: '30m',
      },
      sql: {
        requires: { samples: ['tenant', 'region', 'session_id', 'ts', 'dur_ms', 'bytes_received'] },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region, ${share(`sum(bytes) / ${GB}`, 'sum(hours)')} AS value
FROM (
  SELECT tenant, any(region) AS region, sum(coalesce(bytes_received, 0)) AS bytes, ${participantHoursSql()} AS hours
  FROM samples
  WHERE ${inWindow(ctx)}
  GROUP BY tenant, session_id
)
GROUP BY tenant, region
HAVING ${atLeastHours('sum(hours)', '1 / 60')}`,
      },
      grafana: false,
    },
    {
      id: 'sfu-egress-per-participant-hour',
      alert: 'SfuEgressPerParticipantHourHigh',
      severity: 'page',
      comparator: '>',
      threshold: 2.5,
      unit: 'GB per participant-hour',
      for: '15m',
      summary: 'SFU egress above 2.5 GB per participant-hour in {{ $labels.region }}',
      description:
        'Over the last 30 minutes the SFUs in {{ $labels.region }} sent more than 2.5 GB per participant-hour (budget 1.5 at 720p). Check that layers are dropped per receiver.',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.sfu.egress' }],
        denominator: [{ metric: 'webrtc.sfu.participant_time' }],
        scale: 1 / GB,
        by: ['region'],
        window: '30m',
      },
      sql: {
        requires: { [TABLE.serverEvents]: ['tenant', 'region', 'ts', 'kind', 'sfu_egress_bytes', 'sfu_participant_time_h'] },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region,
  ${share(`sumIf(sfu_egress_bytes, kind = '${SERVER_KIND.sfuEgress}') / ${GB}`, `sumIf(sfu_participant_time_h, kind = '${SERVER_KIND.sfu}')`)} AS value
FROM ${TABLE.serverEvents}
WHERE ${inWindow(ctx)} AND kind IN ('${SERVER_KIND.sfu}', '${SERVER_KIND.sfuEgress}')
GROUP BY tenant, region
HAVING ${atLeastHours(`sumIf(sfu_participant_time_h, kind = '${SERVER_KIND.sfu}')`, '1 / 60')}`,
      },
      grafana: true,
    },
  ],
};
