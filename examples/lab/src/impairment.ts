/** What the relay does to the packets of one direction. Every field is optional; absent means "not impaired". */
export interface Impairment {
  /** Fixed one-way delay added to every packet, in milliseconds. */
  delayMs?: number;
  /** Extra random delay, uniform in [0, jitterMs), in milliseconds (packets may be reordered, as on a real network). */
  jitterMs?: number;
  /** Share of packets dropped at random, 0..1. */
  loss?: number;
  /** Bandwidth cap in kilobits per second (a token bucket; what does not fit the queue is dropped). */
  rateKbps?: number;
  /** Queue in front of the cap, in milliseconds at the capped rate (default 200). */
  queueMs?: number;
  /** Drop everything. */
  blackhole?: boolean;
}

/** The two directions of the lab call: `forward` carries the sender's media, `backward` the receiver's feedback. */
export type Direction = 'forward' | 'backward';

/** Impairments per direction. */
export type PathImpairment = Readonly<Record<Direction, Impairment>>;

/** Packet counts of one direction since the relay started. */
export interface DirectionCounts {
  received: number;
  forwarded: number;
  droppedLoss: number;
  droppedQueue: number;
  droppedBlackhole: number;
  /** Packets from an address the relay does not know (not one of the registered peers). */
  droppedUnknown: number;
  forwardedBytes: number;
}

/** The same impairment both ways. */
export function symmetric(impairment: Impairment): PathImpairment {
  return { forward: { ...impairment }, backward: { ...impairment } };
}

/** No impairment in either direction. */
export const CLEAN_PATH: PathImpairment = { forward: {}, backward: {} };

/** Counts all zero. */
export function emptyCounts(): DirectionCounts {
  return { received: 0, forwarded: 0, droppedLoss: 0, droppedQueue: 0, droppedBlackhole: 0, droppedUnknown: 0, forwardedBytes: 0 };
}
