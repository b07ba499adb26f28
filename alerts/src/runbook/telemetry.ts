/**
 * The telemetry names the rules read, in one place: event types of the
 * `events` table (`packages/schema/src/registry/events.ts`), `server_events`
 * kinds (collector server events) and audit actions (collector audit log).
 * A unit test checks every event type here against the registry.
 */

/** Event types (the `type` column of `events`). */
export const EVENT = {
  pcAdded: 'pc.added',
  connectionState: 'connection.state',
  iceConnectionState: 'ice.connection.state',
  icePairFormed: 'ice.pair.formed',
  /** `state` `stuck` once DTLS has been connecting for 5 s (entry 2). */
  dtlsConnecting: 'dtls.connecting',
  /** ICE connected but no inbound RTP (entry 2). */
  noInboundMedia: 'media.no_inbound',
  /** `state` `online` or `offline` (entry 3). */
  network: 'network',
  /** Connected to failed within 30 s of `online` (entry 3). */
  failedAfterOnline: 'connection.failed_after_online',
  /** `value` ms from session start until the target bitrate (entry 9). */
  bitrateTarget: 'bitrate.target',
  /** `value` absolute ms between the WebRTC and the LL-HLS path (entry 7). */
  avOffset: 'av.offset',
  /** `state` `degraded` or `ok` per session. */
  sessionQuality: 'session.quality',
  /** Post-call feedback (`value` rating). */
  feedback: 'feedback',
  /** One per complaint tag in `name` (entry 12). */
  feedbackComplaint: 'feedback.complaint',
} as const;

/** Tables written by features other than the client ingest path. */
export const TABLE = {
  /** SFU, TURN, recorder and node reports (collector server-events API). */
  serverEvents: 'server_events',
  /** Append-only audit log. */
  audit: 'audit_log',
} as const;

/** `server_events.kind` values the rules read. */
export const SERVER_KIND = {
  sfu: 'sfu',
  sfuEgress: 'sfu.egress',
  turn: 'turn',
  recording: 'recording',
  node: 'node',
} as const;

/** `audit_log.action` values the rules read. */
export const AUDIT_ACTION = {
  join: 'session.join',
  leave: 'session.leave',
  recordingStart: 'recording.start',
  recordingStop: 'recording.stop',
  consentGranted: 'consent.granted',
  consentWithdrawn: 'consent.withdrawn',
} as const;
