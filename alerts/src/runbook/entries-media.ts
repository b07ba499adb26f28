import { DASHBOARD } from './dashboards.js';
import { inWindow, percent } from './sql.js';
import { EVENT } from './telemetry.js';
import type { RunbookPage, SqlContext } from './types.js';

/** Sample columns of entry 6 (outbound source level and inbound level, 0..1 as `audioLevel`). */
export const AUDIO_LEVEL_COLUMNS = { speaking: 'audio_out_audio_level', heard: 'audio_in_audio_level' } as const;
/** Sample columns of entry 11 (per-interval deltas of `framesDecoded` and `keyFramesDecoded`). */
export const KEYFRAME_COLUMNS = { decoded: 'video_in_frames', keyframes: 'video_in_key_frames' } as const;

function suppressedSpeechSql(ctx: SqlContext): string {
  const window = inWindow(ctx);
  const bucket = 'toStartOfInterval(ts, INTERVAL 10 SECOND)';
  return `SELECT tenant, region, ${percent('countIf(heard < 0.01)', 'count()')} AS value
FROM (
  SELECT sp.tenant AS tenant, any(sp.region) AS region, max(li.level) AS heard
  FROM (
    SELECT tenant, any(region) AS region, call_id, participant_id, ${bucket} AS b FROM samples
    WHERE ${window} AND ${AUDIO_LEVEL_COLUMNS.speaking} >= 0.1
    GROUP BY tenant, call_id, participant_id, b
  ) AS sp
  INNER JOIN (
    SELECT tenant, call_id, participant_id, ${bucket} AS b, max(${AUDIO_LEVEL_COLUMNS.heard}) AS level FROM samples
    WHERE ${window} AND ${AUDIO_LEVEL_COLUMNS.heard} IS NOT NULL
    GROUP BY tenant, call_id, participant_id, b
  ) AS li ON sp.tenant = li.tenant AND sp.call_id = li.call_id AND sp.b = li.b
  WHERE li.participant_id != sp.participant_id
  GROUP BY sp.tenant, sp.call_id, sp.participant_id, sp.b
)
GROUP BY tenant, region
HAVING count() >= 6`;
}

/** Entry 6: noise suppression treats quiet speech as noise. */
export const SPEECH_SUPPRESSED: RunbookPage = {
  entry: 6,
  slug: '06-speech-suppressed',
  title: 'Noise suppression removes quiet or whispered speech',
  severity: 'warn',
  area: 'audio quality',
  symptom:
    'Quietly spoken users (typical in clinical or legal calls) are told the others cannot hear them; gain control works hard, and transcripts still lose whispered words.',
  rootCause:
    'The default noise suppressor classifies soft consonants and whispering as noise. Languages differ in their speech spectrum, so one tuning does not fit all.',
  fix: [
    'Tune voice-activity aggressiveness per language and pass a language hint from signalling.',
    'Turn `noiseSuppression` off where the headset already suppresses noise (AirPods and similar).',
  ],
  telemetry:
    'Outbound voice activity (media-source `audioLevel`/`totalAudioEnergy`) against the inbound audio level the other participants of the call receive, with the track\'s `noiseSuppression`/`autoGainControl` settings. Intervals where someone speaks and nobody hears anything stand out.',
  confirm: {
    dashboard: DASHBOARD.quality,
    look: 'Audio: speaking vs heard level by browser and noise-suppression setting; the session drill-down shows the two levels of one call side by side.',
  },
  silence: 'Silence per `tenant` while a per-language tuning is rolled out; this is a warning, never a page.',
  rules: [
    {
      id: 'speech-unheard',
      alert: 'SpeechNotHeard',
      severity: 'warn',
      comparator: '>',
      threshold: 10,
      unit: '%',
      for: '15m',
      summary: 'Speech captured but not heard by the other side in {{ $labels.region }}',
      description:
        'In over 10% of the 10-second intervals in which a participant in {{ $labels.region }} spoke, no other participant of the call received audible audio. Noise suppression may be eating quiet speech.',
      sql: {
        requires: {
          samples: ['tenant', 'region', 'call_id', 'participant_id', 'ts', AUDIO_LEVEL_COLUMNS.speaking, AUDIO_LEVEL_COLUMNS.heard],
        },
        labels: ['region'],
        lookbackSeconds: 900,
        query: suppressedSpeechSql,
      },
      grafana: true,
    },
  ],
};

/** Entry 7: the WebRTC and LL-HLS paths drift apart. */
export const HYBRID_AV_DRIFT: RunbookPage = {
  entry: 7,
  slug: '07-hybrid-av-drift',
  title: 'WebRTC and LL-HLS audio drift apart',
  severity: 'warn',
  area: 'hybrid sync',
  symptom:
    'In deployments where talent is on WebRTC and the audience on LL-HLS, the talent\'s audio runs 200 to 500 ms ahead of what viewers see, and reactions feel out of step.',
  rootCause:
    'RTP and HLS run on separate clocks; the HLS pipeline buffers whole segments and WebRTC does not, so without an explicit anchor the gap grows.',
  fix: [
    'Stamp packets with absolute capture time in an RTP header extension.',
    'Carry the same time through the HLS metadata (ID3 or emsg) and re-align players on NTP-anchored timestamps.',
  ],
  telemetry:
    'A/V offset per session between the two paths, reported by the app through the SDK (`reportAvOffset`) from a reference frame present in both, plus `estimatedPlayoutTimestamp` where the browser has it. Alert on the p95 offset at 250 ms.',
  confirm: {
    dashboard: DASHBOARD.quality,
    look: 'Hybrid sync: p95 A/V offset by region; compare with the LL-HLS segment duration of the affected streams.',
  },
  silence: 'Silence per `tenant` during a planned packager change; otherwise the warning stands until the paths are re-anchored.',
  rules: [
    {
      id: 'av-offset-p95',
      alert: 'HybridAvOffsetHigh',
      severity: 'warn',
      comparator: '>',
      threshold: 250,
      unit: 'ms',
      for: '10m',
      summary: 'p95 WebRTC to LL-HLS A/V offset above 250 ms in {{ $labels.region }}',
      description:
        'One session in twenty in {{ $labels.region }} sees the WebRTC and LL-HLS paths more than 250 ms apart. The two clocks are not anchored to a shared capture time.',
      prometheus: { kind: 'quantile', metric: 'webrtc.session.av_offset', quantile: 0.95 },
      sql: {
        requires: { events: ['tenant', 'region', 'ts', 'type', 'value'] },
        labels: ['region'],
        // Offsets arrive a few times per session: the SQL form reads 10 minutes of them, the PromQL form 5 minutes of rates held for 10.
        lookbackSeconds: 600,
        query: (ctx) => `SELECT tenant, region, quantileExact(0.95)(events.value) AS value
FROM events
WHERE ${inWindow(ctx)} AND type = '${EVENT.avOffset}' AND events.value IS NOT NULL
GROUP BY tenant, region`,
      },
      grafana: false,
    },
  ],
};

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
  confirm: {
    dashboard: DASHBOARD.quality,
    look: 'Startup: p95 time to target bitrate by region and browser; the outbound bitrate of a few new sessions in the drill-down.',
  },
  silence: 'Silence per `region` while a bandwidth-hint rollout is in progress there.',
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
        requires: { events: ['tenant', 'region', 'ts', 'type', 'value'] },
        labels: ['region'],
        // One value per session: the SQL form reads 15 minutes of session starts, the PromQL form 5 minutes of rates held for 15.
        lookbackSeconds: 900,
        query: (ctx) => `SELECT tenant, region, quantileExact(0.95)(events.value) AS value
FROM events
WHERE ${inWindow(ctx)} AND type = '${EVENT.bitrateTarget}' AND events.value IS NOT NULL
GROUP BY tenant, region`,
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
  confirm: {
    dashboard: DASHBOARD.quality,
    look: 'Video: keyframe share and PLI/FIR rate by region next to available outgoing bitrate.',
  },
  silence: 'Informational only: it never pages. Silence per `tenant` if a customer accepts the artefacts.',
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
