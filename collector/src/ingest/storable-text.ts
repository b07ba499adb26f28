import type { ReportBatch, ReportEvent } from '@rtcpulse/schema';
import { replaceIps } from '@rtcpulse/schema/ip-text';

/** The signalling calls whose errors quote lines of a session description (the remote peer's among them). */
const SDP_STAGES = new Set(['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate']);

/** An address written as one number in a URL's host (`http://168496141/`, `http://0x0a0b0c0d/`). */
const NUMERIC_HOST = /(?<=:\/\/)(0x[0-9a-f]{1,8}|\d{7,10})(?=[/:?#\s]|$)/gi;

/** An e-mail address. */
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}/gi;

/** From the first SDP line (`a=candidate:…`, `c=IN IP4 …`, `o=…`) to the end. */
const SDP_LINES = /(^|\s)([a-z])=\S[\s\S]*$/;

/**
 * Free text of a report as the collector stores it: IP addresses (also
 * percent-encoded, in full-width digits, or as one number in a URL's host)
 * replaced by `[ip]` and e-mail addresses by `[email]`. The browser SDK
 * already replaces plain addresses before anything leaves the page; this
 * also covers reports from other clients (the importer replaying a dump,
 * an older SDK, a custom sender) and the forms the SDK's small pattern
 * passes. Text with nothing to replace is kept exactly as sent.
 */
export function storableText(text: string): string {
  const plain = text.normalize('NFKC').replace(/%3a/gi, ':').replace(/%2e/gi, '.');
  const scrubbed = replaceIps(plain.replace(NUMERIC_HOST, '[ip]')).replace(EMAIL, '[email]');
  return scrubbed === plain ? text : scrubbed;
}

/**
 * An event's text as stored: see {@link storableText}; the message of a
 * failed signalling call (`stage`) also loses the session-description lines
 * it quotes, which may name the peer's host, user or ICE credentials: only
 * the line's type stays (`Failed to parse SessionDescription. c=[sdp]`).
 */
const storableEvent = (event: ReportEvent): ReportEvent => {
  const { name, state, message, stage } = event;
  const quoted = message !== undefined && stage !== undefined && SDP_STAGES.has(stage) ? message.replace(SDP_LINES, '$1$2=[sdp]') : message;
  return {
    ...event,
    ...(name !== undefined ? { name: storableText(name) } : {}),
    ...(state !== undefined ? { state: storableText(state) } : {}),
    ...(quoted !== undefined ? { message: storableText(quoted) } : {}),
  };
};

/**
 * The batch with the free text it carries made storable (see
 * {@link storableText}): event names (the session's end reason among them),
 * states and messages, and the client's `region` and `topology`. Ids (the
 * session, call, participant and connection ids) are the app's own and are
 * kept as sent; the SDK hashes the participant id by default.
 */
export function storableBatch(batch: ReportBatch): ReportBatch {
  const { region, topology } = batch.meta;
  return {
    ...batch,
    meta: {
      ...batch.meta,
      ...(region !== undefined ? { region: storableText(region) } : {}),
      ...(topology !== undefined ? { topology: storableText(topology) } : {}),
    },
    events: batch.events.map(storableEvent),
  };
}
