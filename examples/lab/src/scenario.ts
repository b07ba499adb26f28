import type { Direction, DirectionCounts, PathImpairment } from './impairment.js';
import type { ReportedCall } from './reported.js';

/** What one lab run observed: the SDK's stored report and the relay's own packet counts. */
export interface LabObservation {
  reported: ReportedCall;
  /** Packets per direction as the relay handled them (empty counts when the call went through TURN). */
  relay: Record<Direction, DirectionCounts>;
  /** Seconds the call was measured for. */
  seconds: number;
}

/** The result of one check: what the SDK reported, shown beside the truth, and whether it is within tolerance. */
export interface CheckResult {
  reported: string;
  pass: boolean;
}

/** One comparison between injected truth and what the SDK reported. */
export interface Check {
  /** The metric as users know it, for example "audio inbound packet loss (p50 of intervals)". */
  metric: string;
  /** The truth the lab injected, for example "5% each way". */
  injected: string;
  /** The accepted range of the reported value, for example "3–8 %". */
  tolerance: string;
  evaluate(observation: LabObservation): CheckResult;
}

/** A network condition the lab can put between the two peers, with the checks that prove the SDK sees it. */
export interface Scenario {
  name: string;
  description: string;
  /** Impairment from the start of the call. */
  path: PathImpairment;
  /** A change applied once both peers are connected (for example a blackhole). */
  afterConnect?: { delaySeconds: number; path: PathImpairment };
  /** Route through a coturn TURN server with `iceTransportPolicy: 'relay'` instead of the UDP relay. */
  turn?: boolean;
  /** Call length when not given on the command line. */
  defaultSeconds: number;
  /** The shortest call length the checks are meaningful for (the tests use it). */
  minSeconds: number;
  checks: readonly Check[];
}
