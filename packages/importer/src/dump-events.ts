import type { ReportEvent } from '@rtcpulse/schema';
import { replaceIps } from '@rtcpulse/schema/ip-text';

/** An event without the peer connection and time the replay assigns. */
export type EventBody = Omit<ReportEvent, 'pc' | 'ts'>;

const STATE_EVENTS: Readonly<Record<string, ReportEvent['type']>> = {
  onsignalingstatechange: 'signaling.state',
  onicegatheringstatechange: 'ice.gathering.state',
  oniceconnectionstatechange: 'ice.connection.state',
  ondtlsstatechange: 'dtls.state',
  onconnectionstatechange: 'connection.state',
};

/** Calls whose failure becomes an `error` event with the call as `stage`. */
const FAILURE_STAGES: Readonly<Record<string, string>> = {
  createOfferOnFailure: 'createOffer',
  createAnswerOnFailure: 'createAnswer',
  setLocalDescriptionOnFailure: 'setLocalDescription',
  setRemoteDescriptionOnFailure: 'setRemoteDescription',
  addIceCandidateOnFailure: 'addIceCandidate',
  'navigator.mediaDevices.getUserMediaOnFailure': 'getUserMedia',
  'navigator.mediaDevices.getDisplayMediaOnFailure': 'getDisplayMedia',
  'navigator.getUserMediaOnFailure': 'getUserMedia',
  getUserMediaOnFailure: 'getUserMedia',
  getDisplayMediaOnFailure: 'getDisplayMedia',
};

/**
 * Methods the importer knows and deliberately turns into nothing: calls
 * whose outcome is recorded by another entry, candidates (addresses are not
 * imported), SDP, track bookkeeping and app-level entries.
 */
const KNOWN_WITHOUT_EVENT = new Set([
  'getstats',
  'create',
  'close',
  'createOffer',
  'createAnswer',
  'setLocalDescription',
  'setRemoteDescription',
  'addIceCandidate',
  'createOfferOnSuccess',
  'createAnswerOnSuccess',
  'setLocalDescriptionOnSuccess',
  'setRemoteDescriptionOnSuccess',
  'addIceCandidateOnSuccess',
  'onicecandidate',
  'onicecandidateerror',
  'ontrack',
  'onaddstream',
  'onremovestream',
  'onnegotiationneeded',
  'ondatachannel',
  'createDataChannel',
  'addTrack',
  'removeTrack',
  'addStream',
  'removeStream',
  'addTransceiver',
  'transceiverAdded',
  'transceiverModified',
  'setConfiguration',
  'restartIce',
  'constraints',
  'connectionInfo',
  'identity',
  'conferenceStartTimestamp',
  'dominantSpeaker',
  'logs',
  'faceLandmarks',
  'e2eRtt',
  'setVideoType',
  'navigator.mediaDevices.getUserMedia',
  'navigator.mediaDevices.getUserMediaOnSuccess',
  'navigator.mediaDevices.getDisplayMedia',
  'navigator.mediaDevices.getDisplayMediaOnSuccess',
  'navigator.mediaDevices.enumerateDevices',
  'navigator.getUserMedia',
  'navigator.getUserMediaOnSuccess',
  'getUserMedia',
  'getUserMediaOnSuccess',
  'getDisplayMedia',
  'getDisplayMediaOnSuccess',
  'MediaStreamTrack.stop',
  'MediaStreamTrack.onended',
]);

const MAX_MESSAGE = 512;
const MAX_SHORT = 64;

/**
 * The first `max` UTF-16 units of a dump's text, well-formed: an emoji the
 * cut splits loses its first half, and a lone surrogate already in the dump
 * (a browser's message quoting broken text) becomes U+FFFD. The collector
 * refuses text with a lone surrogate, and with it the whole batch.
 */
function cutText(text: string, max: number): string {
  return (text.slice(0, max).replace(/[\uD800-\uDBFF]$/, '') as string & { toWellFormed(): string }).toWellFormed();
}

/**
 * An error message of a dump as a live session's SDK sends it: IP addresses
 * replaced by `[ip]` (a failed `addIceCandidate` quotes the candidate) in
 * its first `4 × MAX_MESSAGE` units, then cut to `MAX_MESSAGE`. The
 * collector replaces what else it replaces in any report.
 */
function messageText(text: string): string {
  return cutText(replaceIps(cutText(text, 4 * MAX_MESSAGE)), MAX_MESSAGE);
}

function stateOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { state?: unknown }).state === 'string') {
    return (value as { state: string }).state;
  }
  return undefined;
}

/** `"NotAllowedError: Permission denied"` → name `NotAllowedError`; an object with `name` → that name. */
function errorName(value: unknown): { name: string; message?: string } {
  if (typeof value === 'object' && value !== null) {
    const { name, message } = value as { name?: unknown; message?: unknown };
    return {
      name: typeof name === 'string' && name !== '' ? cutText(name, MAX_SHORT) : 'Error',
      ...(typeof message === 'string' ? { message: messageText(message) } : {}),
    };
  }
  const text = typeof value === 'string' ? value : '';
  const match = /^\s*([A-Za-z]+(?:Error|Exception))\b:?\s*(.*)$/s.exec(text);
  if (match?.[1]) return { name: match[1], ...(match[2] ? { message: messageText(match[2]) } : {}) };
  return { name: 'Error', ...(text ? { message: messageText(text) } : {}) };
}

/**
 * What a dump entry means for the report: an event, `null` for a known
 * method that carries no event, or `undefined` for a method the importer
 * does not know (counted in the import's report).
 */
export function eventForEntry(method: string, value: unknown): EventBody | null | undefined {
  const stateType = STATE_EVENTS[method];
  if (stateType) {
    const state = stateOf(value);
    return state === undefined ? null : { type: stateType, state: cutText(state, MAX_SHORT) };
  }
  const stage = FAILURE_STAGES[method];
  if (stage) return { type: 'error', stage, ...errorName(value) };
  if (method === 'create') return { type: 'pc.added' };
  // Chrome writes `remove` when it drops a peer connection (closed, or
  // collected without `close()`): its end, the same as `close` (the replay
  // reports one `pc.closed` per connection).
  if (method === 'close' || method === 'remove') return { type: 'pc.closed' };
  return KNOWN_WITHOUT_EVENT.has(method) ? null : undefined;
}
