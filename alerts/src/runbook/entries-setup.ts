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
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'ICE pair formation p99 by region',
      look: 'a region whose p99 jumped after a scale-out (the panel does not split by candidate type: use the query below for that).',
    },
    {
      language: 'sql',
      query: `SELECT region, name AS local_candidate_type, quantileExact(0.99)(value) AS p99_ms, count() AS pairs
FROM events
WHERE tenant = {tenant:String} AND type = '${EVENT.icePairFormed}' AND ts > now() - INTERVAL 1 HOUR
GROUP BY region, local_candidate_type
ORDER BY region, p99_ms DESC`,
      look: 'p99 by selected local candidate type: relay pairs slow while srflx and host stay fast points at cold TURN workers.',
    },
  ],
  silence: {
    when: 'Only for the length of a planned scale-out in one `region`, and only after checking (query above) that srflx and host pairs there are fast.',
    by: ['region'],
    duration: '1h',
    lacking: 'keep',
  },
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
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'DTLS connecting time (longest) and transports stuck past 5 s',
      look: 'stuck transports appearing, and the longest connecting time pinned at 5 s or more.',
    },
    {
      dashboard: DASHBOARD.errors,
      panel: 'Failures by stage and browser',
      look: 'whether the `dtls` stage grows for one browser only.',
    },
    {
      language: 'sql',
      query: `SELECT e.region AS region, e.browser AS browser, s.network_type AS network_type,
  uniqExact(e.session_id, e.pc_id) AS stuck_connections, any(e.session_id) AS example_session
FROM events AS e
LEFT JOIN (
  SELECT session_id, pc_id, any(network_type) AS network_type FROM samples
  WHERE tenant = {tenant:String} AND ts > now() - INTERVAL 1 HOUR
  GROUP BY session_id, pc_id
) AS s ON s.session_id = e.session_id AND s.pc_id = e.pc_id
WHERE e.tenant = {tenant:String} AND e.type = '${EVENT.dtlsConnecting}' AND e.state = 'stuck' AND e.ts > now() - INTERVAL 1 HOUR
GROUP BY region, browser, network_type
ORDER BY stuck_connections DESC`,
      look: 'stuck handshakes by browser and network type, with one session to open.',
    },
    {
      dashboard: DASHBOARD.session,
      panel: 'Bitrate',
      look: 'for the example session: inbound bitrate stays at zero while the Events panel shows ICE connected.',
    },
  ],
  silence: {
    when: 'Only when a single customer network is known to be affected and being fixed: silence that `tenant`, never the whole fleet, because a new middlebox elsewhere looks exactly the same.',
    by: ['tenant'],
    duration: '24h',
    lacking: 'keep',
  },
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
