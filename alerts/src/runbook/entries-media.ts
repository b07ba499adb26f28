import { DASHBOARD } from './dashboards.js';
import { eventQuantileSql, inWindow, percent } from './sql.js';
import { EVENT } from './telemetry.js';
import type { RunbookPage, SqlContext } from './types.js';

/** Sample columns of entry 6 (outbound source level and inbound level, 0..1 as `audioLevel`). */
export const AUDIO_LEVEL_COLUMNS = { speaking: 'audio_out_audio_level', heard: 'audio_in_audio_level' } as const;

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
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'Outbound voice activity vs inbound audio level',
      look: 'the inbound level sinking while outbound voice activity stays.',
    },
    {
      dashboard: DASHBOARD.runbook,
      panel: 'SpeechNotHeard: > 10 %',
      look: 'which tenant and region are above it now.',
    },
    {
      language: 'sql',
      query: `SELECT browser, noise_suppression, count() AS speaking_samples,
  quantileExact(0.5)(${AUDIO_LEVEL_COLUMNS.speaking}) AS speaking_level_p50
FROM samples
WHERE tenant = {tenant:String} AND ts > now() - INTERVAL 1 HOUR AND ${AUDIO_LEVEL_COLUMNS.speaking} >= 0.1
GROUP BY browser, noise_suppression
ORDER BY speaking_samples DESC`,
      look: 'who speaks with noise suppression on or off, by browser: quiet speakers with suppression on are the suspects.',
    },
  ],
  silence: {
    when: 'While a per-language tuning is rolled out to one `tenant`; this is a warning, never a page.',
    by: ['tenant'],
    duration: '7d',
    lacking: 'keep',
  },
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
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'A/V offset between WebRTC and LL-HLS (p95)',
      look: 'the p95 offset over time against the 250 ms line; compare it with the LL-HLS segment duration of the affected streams.',
    },
    {
      dashboard: DASHBOARD.runbook,
      panel: 'HybridAvOffsetHigh: > 250 ms',
      look: 'the p95 per tenant and region now.',
    },
  ],
  silence: {
    when: 'During a planned packager change in one `region`; otherwise the warning stands until the paths are re-anchored.',
    by: ['region'],
    duration: '4h',
    lacking: 'keep',
  },
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
        ...eventQuantileSql(EVENT.avOffset, 0.95),
        // Offsets arrive a few times per session: the SQL form reads 10 minutes of them, the PromQL form 5 minutes of rates held for 10.
        lookbackSeconds: 600,
      },
      grafana: false,
    },
  ],
};
