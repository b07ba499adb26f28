import { SIGNALLING_STAGES, type ReportBatch, type ReportEvent } from '@rtcpulse/schema';
import { replaceIps } from '@rtcpulse/schema/ip-text';

/** The signalling calls, whose errors quote lines of a session description (the remote peer's among them). */
const SDP_STAGES: ReadonlySet<string> = new Set(SIGNALLING_STAGES);

/** An address written as one number in a URL's host (`http://168496141/`, `http://0x0a0b0c0d/`). */
const NUMERIC_HOST = /(?<=:\/\/)(0x[0-9a-f]{1,8}|\d{7,10})(?=[/:?#\s]|$)/gi;

/**
 * An e-mail address. A match starts only where a run of address characters
 * starts (the look-behind): trying every position of a long run would take
 * time quadratic in its length (0.6 s for a report of 1000 such messages).
 */
const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi;

/** From the first SDP line (`a=candidate:…`, `c=IN IP4 …`, `o=…`, also after a quote or a bracket) to the end. */
const SDP_LINES = /(^|[\s"'([])([a-z])=\S[\s\S]*$/;

/**
 * What an address may be hidden behind, one match per character written
 * plainly: full-width ASCII (U+FF01–FF5E: digits, letters, `：`, `．`,
 * `＠`), the ideographic full stop and the small `.`, `:` and `@`, and
 * percent-encoded `:`, `.`, `@` and `+`.
 */
const HIDDEN = /[\uff01-\uff5e\u3002\ufe52\ufe55\ufe6b]|%(?:3a|2e|40|2b)/gi;

/** The ASCII character a {@link HIDDEN} match stands for, where it is not full-width ASCII. */
const PLAIN: Readonly<Record<string, string>> = { '\u3002': '.', '\ufe52': '.', '\ufe55': ':', '\ufe6b': '@', '%3a': ':', '%2e': '.', '%40': '@', '%2b': '+' };

/** `text` with {@link HIDDEN} characters written plainly, one for one or shorter, in one pass. */
const plainly = (text: string): string =>
  text.replace(HIDDEN, (c) => PLAIN[c.toLowerCase()] ?? String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/**
 * Free text of a report as the collector stores it: IP addresses (also
 * percent-encoded, in full-width digits, or as one number in a URL's host)
 * replaced by `[ip]` and e-mail addresses (also with `%40`) by `[email]`.
 * The browser SDK already replaces plain addresses before anything leaves
 * the page; this also covers reports from other clients (the importer
 * replaying a dump, an older SDK, a custom sender) and the forms the SDK's
 * small pattern passes. Text with nothing to replace is kept exactly as
 * sent; text with something to replace comes back with those characters
 * written plainly (see {@link HIDDEN}), so never longer than sent but for
 * a replacement longer than what it replaced (`[email]` for `a@b.io`).
 */
export function storableText(text: string): string {
  const plain = plainly(text);
  const scrubbed = replaceIps(plain.replace(NUMERIC_HOST, '[ip]')).replace(EMAIL, '[email]');
  return scrubbed === plain ? text : scrubbed;
}

/**
 * An event's text as stored: its name (the session's end reason among
 * them), state and message, see {@link storableText} (the SDK's own states
 * have nothing to replace, but a custom sender's or a dump's may); the
 * message of a
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
