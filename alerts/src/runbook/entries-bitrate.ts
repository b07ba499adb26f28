import { DASHBOARD } from './dashboards.js';
import { eventQuantileSql, inWindow, percent } from './sql.js';
import { EVENT } from './telemetry.js';
import type { RunbookPage } from './types.js';

/** Sample columns of entry 11 (per-interval deltas of `framesDecoded` and `keyFramesDecoded`). */
export const KEYFRAME_COLUMNS = { decoded: 'video_in_frames', keyframes: 'video_in_key_frames' } as const;

/** Entry 9: congestion control starts low and the first seconds look poor. */
export const SLOW_STARTUP_BITRATE: RunbookPage = {
  entry: 9,
  slug: '09-slow-startup-bitrate',
  title: 'Calls start blurry while bandwidth estimation ramps up',
  severity: 'warn',
  area: 'startup quality',
  symptom:
    'The first five to ten seconds of every call are blocky and low resolution before it sharpens; people on fast links ask why calls always start grainy.',
  rootCause:
    'Congestion control begins cautiously (around 300 kbit/s) and only climbs as it measures the path; without a starting hint it cannot know the link carries several Mbit/s.',
  fix: [
    'Seed the initial bitrate from what this user achieved before (stored client-side or per user on the server).',
    'Give the active speaker\'s sending stream high network priority.',
  ],
  telemetry:
    'Time from session start until the outbound bitrate first reaches its target, per session (`bitrate.target` event, reached or missed). Alert on its p95 at 3 s.',
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'Time to target bitrate p95',
      look: 'the p95 over time against the 3 s line.',
    },
    {
      language: 'sql',
      query: `SELECT region, browser, quantileExact(0.95)(value) AS p95_ms, count() AS sessions, any(session_id) AS example_session
FROM events
WHERE tenant = {tenant:String} AND type = '${EVENT.bitrateTarget}' AND ts > now() - INTERVAL 1 HOUR
GROUP BY region, browser
ORDER BY p95_ms DESC`,
      look: 'the p95 by region and browser, with a session to open.',
    },
    {
      dashboard: DASHBOARD.session,
      panel: 'Bitrate',
      look: 'for the example session: the outbound bitrate climbing over its first seconds.',
    },
  ],
  silence: {
    when: 'While a bandwidth-hint rollout is in progress in one `region`.',
    by: ['region'],
    duration: '24h',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'time-to-target-bitrate-p95',
      alert: 'TimeToTargetBitrateSlow',
      severity: 'warn',
      comparator: '>',
      threshold: 3000,
      unit: 'ms',
      for: '15m',
      summary: 'p95 time to target bitrate above 3 s in {{ $labels.region }}',
      description:
        'One session in twenty in {{ $labels.region }} needs more than 3 seconds to reach its target send bitrate, so calls start visibly degraded.',
      prometheus: {
        kind: 'quantile',
        metric: 'webrtc.session.time_to_target_bitrate',
        quantile: 0.95,
      },
      sql: {
        ...eventQuantileSql(EVENT.bitrateTarget, 0.95),
        // One value per session: the SQL form reads 15 minutes of session starts, the PromQL form 5 minutes of rates held for 15.
        lookbackSeconds: 900,
      },
      grafana: false,
    },
  ],
};

/** Entry 11: VP9 SVC layer drops show as brief flicker. */
export const SVC_FLICKER: RunbookPage = {
  entry: 11,
  slug: '11-svc-layer-flicker',
  title: 'VP9 SVC layer drops cause flicker',
  severity: 'info',
  area: 'cosmetic',
  symptom:
    'When bandwidth gets tight, receivers see short blocky flickers every few seconds. Video does not freeze; it just shows artefacts.',
  rootCause:
    'SVC layers are dropped frame by frame; when the SFU removes a temporal layer in the middle of a group of pictures, the receiver shows an incomplete frame until the next keyframe.',
  fix: [
    'Raise the keyframe interval to about 2 s at least (less resilience, less flicker).',
    'Or request a keyframe (PLI/FIR) whenever the layer selection changes.',
  ],
  telemetry:
    'Keyframes decoded against frames decoded, and PLI/FIR counts, per interval. Spikes in the keyframe share line up with bandwidth events.',
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'Key frames per decoded frames (inbound video)',
      look: 'the keyframe share over time against the 10 % line.',
    },
    {
      language: 'sql',
      query: `SELECT region, toStartOfMinute(ts) AS minute,
  100 * sum(coalesce(${KEYFRAME_COLUMNS.keyframes}, 0)) / greatest(sum(coalesce(${KEYFRAME_COLUMNS.decoded}, 0)), 1) AS key_frame_pct,
  sum(coalesce(video_in_pli_count, 0)) AS pli, sum(coalesce(video_in_fir_count, 0)) AS fir,
  quantileExact(0.5)(available_outgoing_bitrate_kbps) AS outgoing_kbps_p50
FROM samples
WHERE tenant = {tenant:String} AND ts > now() - INTERVAL 1 HOUR
GROUP BY region, minute
ORDER BY region, minute`,
      look: 'keyframe share, PLI and FIR counts and the available outgoing bitrate per minute (no dashboard panel shows PLI/FIR): spikes that line up with bandwidth drops confirm it.',
    },
  ],
  silence: {
    when: 'Informational only: it never pages. Silence one `tenant` if that customer accepts the artefacts.',
    by: ['tenant'],
    duration: '30d',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'keyframe-share-high',
      alert: 'KeyframeShareHigh',
      severity: 'info',
      comparator: '>',
      threshold: 10,
      unit: '%',
      for: '15m',
      summary: 'Keyframes are over 10% of decoded frames in {{ $labels.region }}',
      description:
        'Over the last 15 minutes more than one decoded frame in ten in {{ $labels.region }} was a keyframe: receivers keep asking for recovery, typically after SVC layer switches.',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.stream.key_frames', matchers: { direction: 'inbound' } }],
        denominator: [{ metric: 'webrtc.stream.frames', matchers: { direction: 'inbound' } }],
        scale: 100,
        by: ['region'],
        window: '15m',
      },
      sql: {
        requires: { samples: ['tenant', 'region', 'ts', KEYFRAME_COLUMNS.decoded, KEYFRAME_COLUMNS.keyframes] },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region,
  ${percent(`sum(coalesce(${KEYFRAME_COLUMNS.keyframes}, 0))`, `sum(coalesce(${KEYFRAME_COLUMNS.decoded}, 0))`)} AS value
FROM samples
WHERE ${inWindow(ctx)}
GROUP BY tenant, region
HAVING sum(coalesce(${KEYFRAME_COLUMNS.decoded}, 0)) >= 300`,
      },
      grafana: true,
    },
  ],
};
