/**
 * Event types a report may carry, and what each puts in the generic event
 * fields (`state`, `value`, `name`, `stage`, `message`). Runbook entries are
 * those of the failure-mode playbook.
 *
 * | type | fields |
 * | --- | --- |
 * | `session.start` | — |
 * | `session.end` | `name` end reason ({@link END_REASONS}), `value` participant minutes (runbook 10) |
 * | `session.quality` | `state` `degraded` or `ok`, `value` % of media intervals that were degraded |
 * | `pc.added`, `pc.closed` | — |
 * | `signaling.state`, `ice.gathering.state`, `ice.connection.state`, `dtls.state`, `connection.state` | `state` the new state |
 * | `ice.pair.formed` | `value` ms from ICE start to connected, `name` local and `stage` remote candidate type of the selected pair (runbook 1) |
 * | `dtls.connecting` | `value` ms the DTLS transport spent connecting; `state` how it ended: `connected`, `failed`, `closed`, or `stuck` once it passes 5 s (runbook 2) |
 * | `media.no_inbound` | `value` ms since ICE connected without one inbound RTP packet (runbook 2) |
 * | `network` | `state` `online` or `offline` (runbook 3) |
 * | `connection.failed_after_online` | `value` ms between the last `online` event and the connection failing (runbook 3) |
 * | `ice.restart` | `state` `started`, then `recovered`, `failed` or `timeout`; `value` ms from start to the outcome (runbook 3) |
 * | `bitrate.target` | `state` `reached` or `missed`, `value` ms from session start (runbook 9) |
 * | `av.offset` | `value` absolute ms between the WebRTC and the LL-HLS path as the app measured it, `state` `webrtc_ahead` or `hls_ahead` (runbook 7) |
 * | `error` | `stage` ({@link ERROR_STAGES}), `name` the error's name (a DOMException name), `message` truncated, addresses removed |
 * | `audit` | `name` action ({@link AUDIT_ACTIONS}), `state` consent state after it ({@link CONSENT_STATES}) |
 * | `feedback` | `value` rating 1..5, `message` platform details (`key=value;...`) (runbook 12) |
 * | `feedback.complaint` | `name` complaint tag ({@link COMPLAINTS}), one event per tag (runbook 12) |
 */
export const EVENT_TYPES = [
  'session.start',
  'session.end',
  'pc.added',
  'pc.closed',
  'signaling.state',
  'ice.gathering.state',
  'ice.connection.state',
  'dtls.state',
  'connection.state',
  'ice.pair.formed',
  'error',
  'session.quality',
  'dtls.connecting',
  'media.no_inbound',
  'network',
  'connection.failed_after_online',
  'ice.restart',
  'bitrate.target',
  'av.offset',
  'audit',
  'feedback',
  'feedback.complaint',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** How an ICE restart went (`ice.restart` `state`), runbook 3. */
export const ICE_RESTART_STATES = ['started', 'recovered', 'failed', 'timeout'] as const;

/** The call topologies the SDK's `topology` option names (`meta.topology`). */
export const TOPOLOGIES = ['p2p', 'sfu', 'mcu'] as const;

/** Why a session ended (`session.end` `name`), runbook 10. */
export const END_REASONS = ['closed', 'pagehide', 'navigation', 'error', 'timeout'] as const;

/** The signalling calls of a peer connection whose failures the SDK reports (`error` `stage`); their errors may quote SDP. */
export const SIGNALLING_STAGES = ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate'] as const;

/** Where an `error` event happened (`stage`). */
export const ERROR_STAGES = ['getUserMedia', 'getDisplayMedia', ...SIGNALLING_STAGES, 'restartIce', 'app'] as const;

/**
 * Error names worth their own series (`error` `name`); the collector files
 * any other name under `other` before it becomes a metric attribute.
 */
export const ERROR_NAMES = [
  'AbortError',
  'NotAllowedError',
  'NotFoundError',
  'NotReadableError',
  'OverconstrainedError',
  'SecurityError',
  'TypeError',
  'InvalidStateError',
  'InvalidAccessError',
  'InvalidModificationError',
  'OperationError',
  'NotSupportedError',
  'SyntaxError',
  'RTCError',
  'other',
] as const;

/** Client-side audit actions (`audit` `name`). */
export const AUDIT_ACTIONS = [
  'join',
  'leave',
  'recording.consent.granted',
  'recording.consent.withdrawn',
  'screenshare.start',
  'screenshare.stop',
] as const;

/** Recording consent state of a session (batch `consent`, `audit` `state`). */
export const CONSENT_STATES = ['unknown', 'granted', 'withdrawn'] as const;

/** Post-call complaint tags (`feedback.complaint` `name`); anything else is sent as `other`. */
export const COMPLAINTS = [
  'audio-wrong-device',
  'no-audio',
  'choppy-audio',
  'echo',
  'background-noise',
  'cannot-hear-me',
  'no-video',
  'frozen-video',
  'blurry-video',
  'av-out-of-sync',
  'call-dropped',
  'slow-join',
  'other',
] as const;

export type EndReason = (typeof END_REASONS)[number];
export type ErrorStage = (typeof ERROR_STAGES)[number];
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type ConsentState = (typeof CONSENT_STATES)[number];
export type Complaint = (typeof COMPLAINTS)[number];
