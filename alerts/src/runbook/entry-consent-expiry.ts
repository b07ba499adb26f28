import { DASHBOARD } from './dashboards.js';
import { inWindow, percent } from './sql.js';
import { EVENT } from './telemetry.js';
import type { RunbookPage } from './types.js';

/** Entry 3's numerator, a condition on `events` rows: a connection failed within 30 s of `online`. */
export const FAILED_AFTER_ONLINE_SQL = `type = '${EVENT.failedAfterOnline}'`;
/** Entry 3's denominator, a condition on `events` rows: the browser went offline (a network drop). */
export const NETWORK_DROP_SQL = `type = '${EVENT.network}' AND state = 'offline'`;

/** Entry 3: a network change outlives ICE consent and the call dies about 30 s later. */
export const CONSENT_EXPIRY: RunbookPage = {
  entry: 3,
  slug: '03-consent-expiry-after-network-change',
  title: 'Calls drop about 30 s after a network change',
  severity: 'page',
  area: 'mid-call drop',
  symptom:
    'A call that was going well goes quiet and then disconnects roughly half a minute after the device switched networks (Wi-Fi to cellular, a VPN reconnecting, a NAT rebinding).',
  rootCause:
    'ICE consent checks (RFC 7675) run every few seconds; after several unanswered checks the connection moves to disconnected and then failed. Browsers do not restart ICE on their own, so unless the app calls `restartIce()` the call is lost.',
  fix: [
    'Listen for the `online` event and call `pc.restartIce()` on every active peer connection (the SDK can do it: `restartIceOnOnline`).',
    'Show a "reconnecting" banner while ICE renegotiates.',
  ],
  telemetry:
    '`online`/`offline` events per session, and connections that go from connected to `failed` within 30 s after an `online` event (`connection.failed_after_online`); the optional built-in recovery records its outcome. Both forms count connections lost per network drop (`network` `offline` event): the exported counters have no `online` counter and no session count, and the browser fires one `offline` before each `online`.',
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'Connections failed within 30 s of coming online',
      look: 'failures after `online` against the network drops (`offline` events) they follow: the rule fires above 5 per 100 drops.',
    },
    {
      language: 'sql',
      query: `SELECT region, browser, countIf(type = '${EVENT.failedAfterOnline}') AS failed_after_online,
  countIf(type = '${EVENT.network}' AND state = 'offline') AS offline_events, anyIf(session_id, type = '${EVENT.failedAfterOnline}') AS example_session
FROM events
WHERE tenant = {tenant:String} AND ts > now() - INTERVAL 1 HOUR AND type IN ('${EVENT.failedAfterOnline}', '${EVENT.network}')
GROUP BY region, browser
ORDER BY failed_after_online DESC`,
      look: 'which browsers lose connections after a network drop, with one session to open.',
    },
    {
      dashboard: DASHBOARD.session,
      panel: 'Events',
      look: 'for the example session: the `network` `online` event and the `connection.state` `failed` about 30 s later, with no `ice.restart` between them.',
    },
  ],
  silence: {
    when: 'Not while the recovery is off: the alert measures calls you lose. Once `restartIce()` on `online` ships, silence a `tenant` whose clients have not upgraded yet.',
    by: ['tenant'],
    duration: '7d',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'failed-after-online',
      alert: 'ConnectionFailedAfterNetworkChange',
      severity: 'page',
      comparator: '>',
      threshold: 5,
      unit: '%',
      for: '5m',
      summary: 'Connections failing within 30 s of coming back online in {{ $labels.region }}',
      description:
        'In the last 15 minutes, for every 100 times a browser in {{ $labels.region }} went offline, more than 5 connections went from connected to failed within 30 seconds of the browser coming back online. ICE is not being restarted after network changes.',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.connection.failed_after_online' }],
        denominator: [{ metric: 'webrtc.network.offline' }],
        scale: 100,
        by: ['region'],
        window: '15m',
      },
      sql: {
        requires: { events: ['tenant', 'region', 'ts', 'type', 'state'] },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region,
  ${percent(`countIf(${FAILED_AFTER_ONLINE_SQL})`, `countIf(${NETWORK_DROP_SQL})`)} AS value
FROM events
WHERE ${inWindow(ctx)}
  AND (${FAILED_AFTER_ONLINE_SQL} OR (${NETWORK_DROP_SQL}))
GROUP BY tenant, region`,
      },
      grafana: true,
    },
  ],
};
