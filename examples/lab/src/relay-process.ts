import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Direction, DirectionCounts, PathImpairment } from './impairment.js';
import type { RelayRequest, RelayResponse } from './relay-protocol.js';
import type { PeerSide } from './udp-relay.js';

const CHILD = fileURLToPath(new URL('./relay-child.ts', import.meta.url));
const REQUEST_TIMEOUT_MS = 10_000;

/** A request without its id (the id is assigned on sending). */
type RelayCall = RelayRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The lab's UDP impairment relay running in a process of its own. On a
 * small machine the collector, embedded ClickHouse and the browser driver
 * share the test's event loop; a relay on that loop would add their pauses
 * to every packet's delay and show up as RTT and jitter the scenario never
 * injected. Same operations as {@link UdpImpairmentRelay}, asynchronous.
 */
export class RelayProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (r: RelayResponse) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private nextId = 1;
  private exited = false;
  /** The first request (the initial impairment): answered once the child runs. */
  private readonly initial: Promise<RelayResponse>;

  private constructor(path: PathImpairment) {
    this.child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message) => this.settle(message as RelayResponse));
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      for (const [id, call] of this.pending) {
        clearTimeout(call.timer);
        call.reject(new Error(`the relay process exited (${signal ?? code}) before answering request ${id}`));
      }
      this.pending.clear();
    });
    this.initial = this.request({ op: 'setImpairment', path });
  }

  /** Starts the relay process with an initial impairment and waits until it answers. */
  static async start(path: PathImpairment): Promise<RelayProcess> {
    const relay = new RelayProcess(path);
    try {
      await relay.initial;
    } catch (error) {
      relay.child.kill('SIGKILL');
      throw error;
    }
    return relay;
  }

  /** Registers a peer's 127.0.0.1 port; returns the relay port the other peer must use. */
  async addEndpoint(side: PeerSide, peerPort: number): Promise<number> {
    const response = await this.request({ op: 'addEndpoint', side, peerPort });
    if (!response.ok || response.relayPort === undefined) throw new Error('the relay process returned no port');
    return response.relayPort;
  }

  /** Changes the impairment from now on. */
  async setImpairment(path: PathImpairment): Promise<void> {
    await this.request({ op: 'setImpairment', path });
  }

  /** Packet counts per direction so far. */
  async packetCounts(): Promise<Record<Direction, DirectionCounts>> {
    const response = await this.request({ op: 'packetCounts' });
    if (!response.ok || !response.counts) throw new Error('the relay process returned no counts');
    return response.counts;
  }

  /** Closes the relay's sockets and ends its process. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ op: 'close' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }

  private request(call: RelayCall): Promise<RelayResponse> {
    if (this.exited) return Promise.reject(new Error('the relay process has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the relay process did not answer ${call.op} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.child.send({ ...call, id } as RelayRequest);
    });
  }

  private settle(response: RelayResponse): void {
    const call = this.pending.get(response.id);
    if (!call) return;
    this.pending.delete(response.id);
    clearTimeout(call.timer);
    if (response.ok) call.resolve(response);
    else call.reject(new Error(`relay: ${response.error}`));
  }
}
