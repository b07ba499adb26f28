import type { ReportEvent, Sample } from '@rtcpulse/schema';

/** Settings for {@link createRtcPulse}. */
export interface RtcPulseOptions {
  /**
   * Collector ingest URL, for example `https://collector.example.com/v1/reports`.
   * The collector checks the key before it reads a request's body, from the
   * query, so the SDK adds `key=<tenant>` (URL-encoded) unless the URL already
   * has a `key` parameter, which it then leaves exactly as given. Only the
   * built-in transport posts here; a `send` passed to `createRtcPulse` gets
   * the body alone. A `URL` object is taken as its text. Give no `#fragment`:
   * the key would be appended after it, and a fragment is never sent.
   */
  endpoint: string;
  /** The tenant's public ingest key: sent as the query's `key` (see `endpoint`) and as every batch's `tenant`. */
  tenant: string;
  /** Call (room) identifier shared by every participant of the call. */
  callId: string;
  /**
   * Participant identifier. Sent as the hex SHA-256 of `idSalt + ':' + participantId`
   * unless `hashIds` is false; where WebCrypto is missing (insecure pages) a
   * random per-session pseudonym is sent instead. Never a raw user id by default.
   */
  participantId: string;
  /**
   * Salt for hashing the participant id (default: the tenant key). Keep it
   * stable to link a participant's sessions. Like everything in a page it is
   * readable by the page's users: guessable ids (emails) can be matched by
   * hashing candidates, so pass server-made pseudonyms where that matters.
   */
  idSalt?: string;
  /** Default true: send `participantId` hashed. `false` sends it as given, for ids that already are pseudonyms. */
  hashIds?: boolean;
  /**
   * Session identifier, at most 128 characters (longer is cut); when absent
   * a random one (a UUID where the browser has `crypto.randomUUID`). Give
   * one to find the session later by an id of your own
   * (`GET /v1/sessions/:id/samples`); it is sent as given, never hashed.
   */
  sessionId?: string;
  /** Share of sessions to report, 0..1 (default 1; not a number: the default), decided once per session and sent on every batch; a sampled-out session sends nothing. */
  sampleRate?: number;
  /** Deployment region of this client, a bounded set (for example `eu-west`); sent as text, at most 64 characters; none when falsy (`''`, `0`, `false`, `NaN`, `null`). */
  region?: string;
  /** `p2p`, `sfu` or `mcu` (as `region`). */
  topology?: string;
  /** Sampling interval in milliseconds (default 2000; less than 1 or not a number: the default). */
  intervalMs?: number;
  /** Send a report once this many samples are waiting, and put at most this many in one report (default 10; at most 600; less than 1 or not a number: the default). */
  maxBatchSamples?: number;
  /** Send whatever is waiting at least this often, in milliseconds (default 10000; less than 1 or not a number: the default). */
  flushIntervalMs?: number;
  /**
   * Samples, and separately events, kept at most while sending fails (default 300; at most 1000, the
   * wire's limit on events in one report; less than 1 or not a number: the default); older ones are
   * dropped and counted.
   */
  maxQueue?: number;
  /** Runbook entry 2: report `media.no_inbound` when ICE has been connected this long without inbound RTP (default 5000 ms). */
  noInboundRtpAfterMs?: number;
  /** Runbook entry 3: call `restartIce()` on every observed connection when the browser goes back online (default false). */
  restartIceOnOnline?: boolean;
  /** Runbook entry 9: the outbound bitrate the session aims for, in kbit/s (default: the encoder no longer bandwidth-limited). */
  targetBitrateKbps?: number;
  /**
   * Runbook entry 10: end the session by itself (`error` if a connection failed, else `timeout`)
   * when no observed connection has been connected for this long (default 60000 ms; 0 turns it off; not a number: the default).
   */
  idleTimeoutMs?: number;
  /** Called with each sample as it is taken (for live displays). What it throws goes to `onError`. */
  onSample?: (sample: Sample) => void;
  /** Called with each event as it is recorded. What it throws goes to `onError`. */
  onEvent?: (event: ReportEvent) => void;
  /**
   * Called when the SDK hits a problem it handled itself (never thrown to the app), among them the
   * first report of the session the collector refused for good (`report refused: HTTP 404`; later
   * ones are counted, not told), the first failure of a custom `send` (what it threw, or `send: no
   * outcome`; retried) and a refused key (`key refused: HTTP 401`, which ends the session).
   * What it throws is dropped.
   */
  onError?: (error: unknown) => void;
}
