import type { ReportEvent, Sample } from '@rtcpulse/schema';

/** Settings for {@link createRtcPulse}. */
export interface RtcPulseOptions {
  /** Collector ingest URL, for example `https://collector.example.com/v1/reports`. */
  endpoint: string;
  /** The tenant's public ingest key. */
  tenant: string;
  /** Call (room) identifier shared by every participant of the call. */
  callId: string;
  /** Participant identifier chosen by the app; pass a pseudonym, not a user id. */
  participantId: string;
  /** Session identifier; a random one is made when absent. */
  sessionId?: string;
  /** Deployment region of this client, a bounded set (for example `eu-west`). */
  region?: string;
  /** `p2p`, `sfu` or `mcu`. */
  topology?: string;
  /** Sampling interval in milliseconds (default 2000). */
  intervalMs?: number;
  /** Send a report once this many samples are waiting (default 10). */
  maxBatchSamples?: number;
  /** Send whatever is waiting at least this often, in milliseconds (default 10000). */
  flushIntervalMs?: number;
  /** Samples and events kept at most while sending fails (default 300); older ones are dropped and counted. */
  maxQueue?: number;
  /** Called with each sample as it is taken (for live displays). Errors thrown here are swallowed. */
  onSample?: (sample: Sample) => void;
  /** Called with each event as it is recorded. */
  onEvent?: (event: ReportEvent) => void;
  /** Called when the SDK hits a problem it handled itself (never thrown to the app). */
  onError?: (error: unknown) => void;
}
