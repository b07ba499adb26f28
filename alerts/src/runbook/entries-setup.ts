import { DASHBOARD } from './dashboards.js';
import { eventQuantileSql, inWindow, percent } from './sql.js';
import { EVENT } from './telemetry.js';
import type { RunbookPage } from './types.js';

/** Entry 1: relay workers that are still warming up slow down every join in the region. */
export const TURN_COLD_START: RunbookPage = {
  entry: 1,
  slug: '01-turn-cold-start',
  title: 'Joins stall while new TURN workers warm up',
  severity: 'page',
  area: 'join latency',
  symptom:
    'Participants wait two to three seconds longer than usual on the connecting screen. It clusters in the hour after a region has scaled out.',
  rootCause:
    'A freshly started relay process needs time to read its configuration, register itself and resolve names; until then (roughly 1.5 to 3 s) it does not answer the first STUN/TURN requests, so candidate pairs through it form late.',
  fix: [
    'Keep two or three idle, already warmed TURN workers per region.',
    'Size the pool for the predicted peak plus about 20% headroom.',
    'Scale out ahead of the daily traffic curve instead of reacting to it.',
  ],
  telemetry:
    'ICE candidate-pair formation time per session (`webrtc.ice.pair_formation_time`, event `ice.pair.formed`), tagged with region and selected candidate type; alert on its p99 per region.',
  confirm: {
    dashboard: DASHBOARD.runbook,
    look: 'Row "1 · TURN cold start": p99 formation time by region, split by candidate type. Relay pairs slow while srflx/host stay fast points at TURN.',
  },
  silence:
    'Silence by `region` only, for the length of a planned scale-out, and only after checking that srflx and host pairs in that region are fast.',
  rules: [
    {
      id: 'ice-pair-formation-p99',
      alert: 'IcePairFormationSlow',
      severity: 'page',
      comparator: '>',
      threshold: 800,
      unit: 'ms',
      for: '5m',
      summary: 'p99 ICE candidate-pair formation above 800 ms in {{ $labels.region }}',
      description:
        'For five minutes, one join in a hundred in {{ $labels.region }} needed more than 800 ms to select a candidate pair. Cold TURN workers after a scale-out are the usual cause.',
      prometheus: {
        kind: 'quantile',
        metric: 'webrtc.ice.pair_formation_time',
        quantile: 0.99,
      },
      sql: {
        ...eventQuantileSql(EVENT.icePairFormed, 0.99),
      },
      grafana: false,
    },
  ],
};

/** Entry 2: the DTLS handshake never completes because its fragments are dropped on a small-MTU path. */
export const DTLS_SMALL_MTU: RunbookPage = {
  entry: 2,
  slug: '02-dtls-small-mtu',
  title: 'DTLS never completes on paths with an MTU under 1280 bytes',
  severity: 'page',
  area: 'connection establishment',
  symptom:
    'The call says it is connected, yet nobody hears or sees anything. The browser gives no error: ICE reports connected and no RTP ever arrives.',
  rootCause:
    'Handshake records larger than the path MTU are fragmented and some middlebox discards the fragments, so DTLS stalls without failing. IPsec VPNs (about 1380 bytes after overhead), WARP-style tunnels and some cellular gateways do this.',
  fix: [
    'Cap DTLS records at 1200 bytes in the media stack.',
    'Or probe the path MTU when the session starts.',
    'Most deployments pin 1200 bytes and are done with it.',
  ],
  telemetry:
    'DTLS transport state changes (`dtls.state` events): a transport that stays in `connecting` for more than 5 s; and "ICE connected but no inbound RTP" from `ice.connection.state` events against inbound packet counts.',
  confirm: {
    dashboard: DASHBOARD.errors,
    look: 'Lifecycle failures by stage: DTLS stuck in connecting, by browser and network type; open one affected session in the drill-down and check that inbound packets stay at zero.',
  },
  silence:
    'Silence per `tenant` when a single customer network is known to be affected and being fixed; never silence fleet-wide, because a new middlebox somewhere else looks exactly the same.',
  rules: [
    {
      id: 'dtls-stuck-connecting',
      alert: 'DtlsHandshakeStuck',
      severity: 'page',
      comparator: '>',
      threshold: 2,
      unit: '%',
      for: '5m',
      summary: 'DTLS handshakes stuck in connecting for over 5 s in {{ $labels.region }}',
      description:
        'More than 2% of the peer connections in {{ $labels.region }} whose DTLS handshake ran in the last 15 minutes stayed in connecting for over 5 seconds. Suspect a path that drops fragmented handshake records (MTU under 1280).',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.dtls.stuck' }],
        denominator: [{ metric: 'webrtc.dtls.connecting_time', series: 'count' }],
        scale: 100,
        by: ['region'],
        window: '15m',
      },
      sql: {
        requires: { events: ['tenant', 'region', 'session_id', 'pc_id', 'ts', 'type', 'state'] },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region,
  ${percent("uniqExactIf(session_id, pc_id, state = 'stuck')", 'uniqExact(session_id, pc_id)')} AS value
FROM events
WHERE ${inWindow(ctx)} AND type = '${EVENT.dtlsConnecting}'
GROUP BY tenant, region`,
      },
      grafana: true,
    },
    {
      id: 'ice-connected-no-media',
      alert: 'IceConnectedNoMedia',
      severity: 'page',
      comparator: '>',
      threshold: 2,
      unit: '%',
      for: '5m',
      summary: 'Connections with ICE connected but no inbound RTP in {{ $labels.region }}',
      description:
        'More than 2% of the peer connections in {{ $labels.region }} that reached ICE connected in the last 15 minutes received no RTP packet within the SDK\'s waiting time (5 s by default). Media is blocked after ICE, typically by a stalled DTLS handshake.',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.media.no_inbound' }],
        denominator: [{ metric: 'webrtc.ice.pair_formation_time', series: 'count' }],
        scale: 100,
        by: ['region'],
        window: '15m',
      },
      sql: {
        requires: { events: ['tenant', 'region', 'session_id', 'pc_id', 'ts', 'type', 'state'] },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region,
  ${percent(`uniqExactIf(session_id, pc_id, type = '${EVENT.noInboundMedia}')`, `uniqExactIf(session_id, pc_id, type = '${EVENT.iceConnectionState}')`)} AS value
FROM events
WHERE ${inWindow(ctx)}
  AND (type = '${EVENT.noInboundMedia}' OR (type = '${EVENT.iceConnectionState}' AND state = 'connected'))
GROUP BY tenant, region`,
      },
      grafana: true,
    },
  ],
};

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
    '`online`/`offline` events per session, and sessions whose connection goes to `failed` within 30 s after an `online` event; the optional built-in recovery records its outcome.',
  confirm: {
    dashboard: DASHBOARD.errors,
    look: 'Failures after a network change: sessions failed within 30 s of `online`, by browser and network type; the drill-down shows the `online` event and the failure side by side.',
  },
  silence:
    'Do not silence while the recovery is off: the alert measures calls you lose. Once `restartIce()` on `online` ships, silence per `tenant` for clients that have not upgraded yet.',
  rules: [
    {
      id: 'failed-after-online',
      alert: 'ConnectionFailedAfterNetworkChange',
      severity: 'page',
      comparator: '>',
      threshold: 5,
      unit: '%',
      for: '5m',
      summary: 'Sessions failing within 30 s of an online event in {{ $labels.region }}',
      description:
        'Over 5% of the sessions in {{ $labels.region }} that saw the browser come back online in the last 15 minutes had a connection go from connected to failed within 30 seconds of it. ICE is not being restarted after network changes.',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.connection.failed_after_online' }],
        denominator: [{ metric: 'webrtc.network.offline' }],
        scale: 100,
        by: ['region'],
        window: '15m',
      },
      sql: {
        requires: { events: ['tenant', 'region', 'session_id', 'ts', 'type', 'state'] },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region,
  ${percent(`uniqExactIf(session_id, type = '${EVENT.failedAfterOnline}')`, `uniqExactIf(session_id, type = '${EVENT.network}')`)} AS value
FROM events
WHERE ${inWindow(ctx)}
  AND (type = '${EVENT.failedAfterOnline}' OR (type = '${EVENT.network}' AND state = 'online'))
GROUP BY tenant, region`,
      },
      grafana: true,
    },
  ],
};
