import { DASHBOARD } from './dashboards.js';
import { inWindow, percent } from './sql.js';
import { EVENT, SERVER_KIND, TABLE } from './telemetry.js';
import type { RunbookPage } from './types.js';
import { RECORDING_OUTCOME_COLUMNS, recordingOutcomesSql } from './recording-outcomes.js';

/** Entry 5: recordings assembled in a participant's browser lose footage. */
export const CLIENT_SIDE_RECORDING: RunbookPage = {
  entry: 5,
  slug: '05-recording-integrity',
  title: 'Recordings lose footage when built in a participant\'s browser',
  severity: 'page',
  area: 'recording integrity',
  symptom:
    'Recordings contain frozen video, missing speakers or audio gaps at the moments a tab was closed; customers report missing footage.',
  rootCause:
    'The recording is stitched together by `MediaRecorder` in one participant\'s tab. Closing, reloading or backgrounding that tab ends it, and in rooms of 200 or more some disruption during a session is close to certain.',
  fix: [
    'Record on the server: a recorder joins the SFU like a participant, receives the SRTP streams and writes the file in its own worker.',
    'Keep client-side recording for prototypes only.',
  ],
  telemetry:
    'Recording success rate per session from the recorder\'s job reports (started, finished, failed) through the collector\'s server events; alert under 99% whatever the room size.',
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'Recording success',
      look: 'the success rate over time against the 99 % line.',
    },
    {
      dashboard: DASHBOARD.runbook,
      panel: 'RecordingSuccessLow: < 99 %',
      look: 'which tenant and region are below it now.',
    },
    {
      language: 'sql',
      query: `SELECT ts, region, node_id, job_id, session_id, reason
FROM ${TABLE.serverEvents}
WHERE tenant = {tenant:String} AND kind = '${SERVER_KIND.recording}' AND state = 'failed' AND ts > now() - INTERVAL 1 HOUR
ORDER BY ts DESC
LIMIT 50`,
      look: 'the failed jobs with their recorder node, session and reason (`GET /v1/server/recordings?from=&to=` gives the counts).',
    },
  ],
  silence: {
    when: 'Never fleet-wide: lost recordings are unrecoverable. Silence one `tenant` only while its recorder fleet is knowingly down for maintenance and recording is disabled in the product.',
    by: ['tenant'],
    duration: '4h',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'recording-success-low',
      alert: 'RecordingSuccessLow',
      severity: 'page',
      comparator: '<',
      threshold: 99,
      unit: '%',
      for: '5m',
      summary: 'Recording success under 99% in {{ $labels.region }}',
      description:
        'Of the recording jobs in {{ $labels.region }} that ended in the last hour, fewer than 99% finished successfully. Check the recorder workers and whether any recording is still done in the browser.',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.recording.jobs', matchers: { outcome: 'succeeded' } }],
        denominator: [
          { metric: 'webrtc.recording.jobs', matchers: { outcome: 'succeeded' } },
          { metric: 'webrtc.recording.jobs', matchers: { outcome: 'failed' } },
        ],
        scale: 100,
        by: ['region'],
        window: '1h',
        cases: [
          {
            name: 'every job failed since a restart: no succeeded series',
            series: [
              { selector: { metric: 'webrtc.recording.jobs', matchers: { outcome: 'started' } }, perMinute: 5 },
              { selector: { metric: 'webrtc.recording.jobs', matchers: { outcome: 'failed' } }, perMinute: 5 },
            ],
            fires: true,
          },
          {
            name: 'jobs started, none ended yet',
            series: [{ selector: { metric: 'webrtc.recording.jobs', matchers: { outcome: 'started' } }, perMinute: 5 }],
            fires: false,
          },
        ],
      },
      sql: {
        requires: { [TABLE.serverEvents]: RECORDING_OUTCOME_COLUMNS },
        labels: ['region'],
        query: (ctx) => `SELECT tenant, region, ${percent("countIf(outcome = 'finished')", 'count()')} AS value
FROM (
  ${recordingOutcomesSql((column) => inWindow(ctx, column)).replace(/\n/g, '\n  ')}
)
GROUP BY tenant, region`,
      },
      grafana: true,
    },
  ],
};

/** Complaint tag of entry 12 in post-call feedback. */
export const WRONG_AUDIO_DEVICE = 'audio-wrong-device';

/** Entry 12: the first call on iOS plays through the phone instead of the Bluetooth headset. */
export const BLUETOOTH_FIRST_CALL: RunbookPage = {
  entry: 12,
  slug: '12-bluetooth-first-call-routing',
  title: 'First iOS call ignores the Bluetooth headset',
  severity: 'info',
  area: 'first-call experience',
  symptom:
    'With AirPods or other Bluetooth headphones connected, the first call plays through the phone\'s speaker; the next call routes correctly.',
  rootCause:
    'The iOS audio session needs the Bluetooth and mixing options in its category options. iOS caches the routing decision, and the first call starts before the options take effect.',
  fix: [
    'Configure the audio session with the complete set of category options at app launch, not when the call starts.',
    'Re-evaluate the route every time a session is activated.',
  ],
  telemetry:
    'Not visible in WebRTC stats: post-call feedback through the SDK (`reportFeedback`) with the complaint tag `audio-wrong-device` (`feedback.complaint` events) and platform details; track its share of feedback by OS.',
  confirm: [
    {
      dashboard: DASHBOARD.runbook,
      panel: 'Post-call complaints by tag',
      look: 'a rise of `audio-wrong-device` among the complaint tags.',
    },
    {
      language: 'sql',
      query: `SELECT os, sdk_version,
  uniqExactIf(session_id, type = '${EVENT.feedbackComplaint}' AND name = '${WRONG_AUDIO_DEVICE}') AS wrong_device,
  uniqExactIf(session_id, type = '${EVENT.feedback}') AS feedback_sessions
FROM events
WHERE tenant = {tenant:String} AND type IN ('${EVENT.feedback}', '${EVENT.feedbackComplaint}') AND ts > now() - INTERVAL 1 DAY
GROUP BY os, sdk_version
ORDER BY wrong_device DESC`,
      look: 'the complaint by OS and SDK version: concentrated on iOS confirms it.',
    },
  ],
  silence: {
    when: 'Informational: silence one `os_name` after the audio-session fix has shipped, while older app versions fade out.',
    by: ['os_name'],
    duration: '30d',
    lacking: 'keep',
  },
  rules: [
    {
      id: 'wrong-audio-device-complaints',
      alert: 'WrongAudioDeviceComplaints',
      severity: 'info',
      comparator: '>',
      threshold: 5,
      unit: '%',
      for: '1h',
      summary: 'Over 5% of feedback on {{ $labels.os_name }} says audio used the wrong device',
      description:
        'More than one post-call feedback in twenty on {{ $labels.os_name }} carried the complaint "audio on the wrong device". First-call audio routing is probably broken.',
      prometheus: {
        kind: 'ratio',
        numerator: [{ metric: 'webrtc.feedback.complaints', matchers: { complaint: WRONG_AUDIO_DEVICE } }],
        denominator: [{ metric: 'webrtc.feedback.rating', series: 'count' }],
        scale: 100,
        by: ['os_name'],
        window: '6h',
      },
      sql: {
        requires: { events: ['tenant', 'os', 'session_id', 'ts', 'type', 'name'] },
        labels: ['os_name'],
        lookbackSeconds: 86400,
        query: (ctx) => `SELECT tenant, os AS os_name,
  ${percent(`uniqExactIf(session_id, type = '${EVENT.feedbackComplaint}' AND name = '${WRONG_AUDIO_DEVICE}')`, `uniqExactIf(session_id, type = '${EVENT.feedback}')`)} AS value
FROM events
WHERE ${inWindow(ctx)} AND type IN ('${EVENT.feedback}', '${EVENT.feedbackComplaint}')
GROUP BY tenant, os_name
HAVING uniqExactIf(session_id, type = '${EVENT.feedback}') >= 20`,
      },
      grafana: true,
    },
  ],
};
