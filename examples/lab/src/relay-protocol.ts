import type { Direction, DirectionCounts, PathImpairment } from './impairment.js';
import type { PeerSide } from './udp-relay.js';

/** A request from the lab to the relay's own process. */
export type RelayRequest =
  | { id: number; op: 'addEndpoint'; side: PeerSide; peerPort: number }
  | { id: number; op: 'setImpairment'; path: PathImpairment }
  | { id: number; op: 'packetCounts' }
  | { id: number; op: 'close' };

/** The relay process's answer to the request with the same id. */
export type RelayResponse =
  | { id: number; ok: true; relayPort?: number; counts?: Record<Direction, DirectionCounts> }
  | { id: number; ok: false; error: string };
