import { createSocket, type Socket } from 'node:dgram';
import { CLEAN_PATH, emptyCounts, type Direction, type DirectionCounts, type Impairment, type PathImpairment } from './impairment.js';
import { RateLimitedQueue } from './token-bucket.js';

/** Which peer of the lab call an endpoint belongs to. */
export type PeerSide = 'sender' | 'receiver';

interface Endpoint {
  side: PeerSide;
  /** The peer's real port on 127.0.0.1. */
  peerPort: number;
  /** The relay's socket that stands for this peer towards the other one. */
  socket: Socket;
  relayPort: number;
}

const HOST = '127.0.0.1';

/** Packets sent towards the receiver travel `forward`. */
function directionTo(side: PeerSide): Direction {
  return side === 'receiver' ? 'forward' : 'backward';
}

/**
 * A UDP relay on 127.0.0.1 between the two peers of a call, standing in for
 * the network. Each peer's loopback candidate is registered with
 * {@link UdpImpairmentRelay.addEndpoint}, which opens a relay socket that
 * stands for that peer: the other peer is given the relay's port instead of
 * the real one. A packet arriving on peer X's relay socket from one of Y's
 * ports is sent on to X from the socket that stands for Y, so each peer sees
 * a consistent address for the other. On the way, the direction's
 * impairment applies: random loss, then the bandwidth cap (token bucket with
 * a bounded queue), then delay plus jitter; a blackhole drops everything.
 */
export class UdpImpairmentRelay {
  private readonly endpoints: Endpoint[] = [];
  private readonly counts: Record<Direction, DirectionCounts> = { forward: emptyCounts(), backward: emptyCounts() };
  private readonly queues = new Map<Direction, RateLimitedQueue>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private path: PathImpairment = CLEAN_PATH;
  private closed = false;

  constructor(
    path: PathImpairment = CLEAN_PATH,
    private readonly random: () => number = Math.random,
  ) {
    this.setImpairment(path);
  }

  /** Changes the impairment from now on (for example a blackhole after the call connected). */
  setImpairment(path: PathImpairment): void {
    this.path = { forward: { ...path.forward }, backward: { ...path.backward } };
    for (const queue of this.queues.values()) queue.close();
    this.queues.clear();
  }

  /** The impairment in force. */
  get impairment(): PathImpairment {
    return this.path;
  }

  /** Packet counts per direction so far (a copy). */
  get packetCounts(): Record<Direction, DirectionCounts> {
    return { forward: { ...this.counts.forward }, backward: { ...this.counts.backward } };
  }

  /**
   * Registers a peer's 127.0.0.1 UDP port and returns the relay port the
   * other peer must use instead. Registering the same port twice returns the
   * same relay port.
   */
  async addEndpoint(side: PeerSide, peerPort: number): Promise<number> {
    if (this.closed) throw new Error('relay closed');
    const existing = this.endpoints.find((e) => e.side === side && e.peerPort === peerPort);
    if (existing) return existing.relayPort;
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, HOST, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const endpoint: Endpoint = { side, peerPort, socket, relayPort: socket.address().port };
    socket.on('message', (packet, from) => this.onPacket(endpoint, packet, from.address, from.port));
    socket.on('error', () => {
      // A send to a peer port that has gone away; the call itself shows the effect.
    });
    this.endpoints.push(endpoint);
    return endpoint.relayPort;
  }

  /** Closes every socket and drops whatever is in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const queue of this.queues.values()) queue.close();
    this.queues.clear();
    await Promise.all(this.endpoints.map((e) => new Promise<void>((resolve) => e.socket.close(() => resolve()))));
    this.endpoints.length = 0;
  }

  private onPacket(target: Endpoint, packet: Buffer, address: string, port: number): void {
    const direction = directionTo(target.side);
    const counts = this.counts[direction];
    counts.received++;
    const source = this.endpoints.find((e) => e.side !== target.side && e.peerPort === port && address === HOST);
    if (!source) {
      counts.droppedUnknown++;
      return;
    }
    const impairment = this.path[direction];
    if (impairment.blackhole) {
      counts.droppedBlackhole++;
      return;
    }
    if (impairment.loss !== undefined && impairment.loss > 0 && this.random() < impairment.loss) {
      counts.droppedLoss++;
      return;
    }
    const deliver = (): void => this.delayThenSend(impairment, source, target, packet, counts);
    if (impairment.rateKbps === undefined) {
      deliver();
      return;
    }
    if (!this.queueFor(direction, impairment.rateKbps, impairment.queueMs ?? 200).offer(packet.length, deliver)) {
      counts.droppedQueue++;
    }
  }

  private queueFor(direction: Direction, rateKbps: number, queueMs: number): RateLimitedQueue {
    let queue = this.queues.get(direction);
    if (!queue) {
      queue = new RateLimitedQueue({ rateKbps, queueMs });
      this.queues.set(direction, queue);
    }
    return queue;
  }

  private delayThenSend(impairment: Impairment, source: Endpoint, target: Endpoint, packet: Buffer, counts: DirectionCounts): void {
    const delay = (impairment.delayMs ?? 0) + (impairment.jitterMs ? this.random() * impairment.jitterMs : 0);
    const send = (): void => {
      if (this.closed) return;
      counts.forwarded++;
      counts.forwardedBytes += packet.length;
      source.socket.send(packet, target.peerPort, HOST);
    };
    if (delay <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, delay);
    this.timers.add(timer);
  }
}
