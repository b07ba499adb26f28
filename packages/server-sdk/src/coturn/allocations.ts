/**
 * What coturn publishes with `--redis-statsdb`, and the state an adapter
 * keeps from it. coturn publishes on channels (and, for status, also stores
 * keys with the allocation's lifetime):
 *
 * - `turn/realm/<realm>/user/<user>/allocation/<id>/status`:
 *   `new lifetime=600, type=UDP, ...`, `refreshed lifetime=<s>, ...`
 *   (`lifetime=0` when the client releases it), then `deleted`;
 * - `.../traffic` and `.../traffic/peer`: `rcvp=, rcvb=, sentp=, sentb=`,
 *   counts since the previous traffic message (client side and peer side);
 * - `.../total_traffic[/peer]`: totals when the allocation is deleted.
 *
 * User names never leave this module: allocations are keyed by realm and id.
 */

/** One parsed coturn statistics message. */
export type CoturnMessage =
  | { readonly kind: 'status'; readonly allocation: string; readonly lifetimeS: number | undefined; readonly deleted: boolean }
  | { readonly kind: 'traffic'; readonly allocation: string; readonly peer: boolean; readonly sentBytes: number }
  | { readonly kind: 'total'; readonly allocation: string };

/** Glob that matches every allocation channel and status key (Redis `*` spans `/`). */
export const COTURN_ALLOCATION_PATTERN = 'turn/realm/*/user/*/allocation/*';

const CHANNEL = /^turn\/realm\/([^/]+)\/user\/.+\/allocation\/([^/]+)\/(status|traffic|traffic\/peer|total_traffic|total_traffic\/peer)$/;

/** Parse one channel name and message; `undefined` for anything else. */
export function parseCoturnMessage(channel: string, message: string): CoturnMessage | undefined {
  const match = CHANNEL.exec(channel);
  if (!match) return undefined;
  const [, realm, id, what] = match as unknown as [string, string, string, string];
  const allocation = `${realm}/${id}`;
  if (what === 'status') {
    const lifetime = /lifetime=(\d+)/.exec(message);
    return {
      kind: 'status',
      allocation,
      lifetimeS: lifetime ? Number(lifetime[1]) : undefined,
      deleted: message.trim().startsWith('deleted'),
    };
  }
  if (what.startsWith('total_traffic')) return { kind: 'total', allocation };
  const sent = /(?:^|[\s,])sentb=(\d+)/.exec(message);
  return { kind: 'traffic', allocation, peer: what.endsWith('/peer'), sentBytes: sent ? Number(sent[1]) : 0 };
}

/** Most allocations tracked; beyond it new ones are counted as dropped. */
export const MAX_TRACKED_ALLOCATIONS = 1_000_000;

/**
 * Live allocations (with their expiry, so a missed `deleted` cannot leak
 * forever) and bytes relayed since the last report.
 */
export class AllocationTracker {
  private readonly expiries = new Map<string, number>();
  private relayed = 0;
  /** Allocations not tracked because the map was full. */
  dropped = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Apply one message. */
  apply(message: CoturnMessage): void {
    if (message.kind === 'traffic') {
      this.relayed += message.sentBytes;
      return;
    }
    if (message.kind !== 'status') return;
    if (message.deleted || message.lifetimeS === 0) {
      this.expiries.delete(message.allocation);
      return;
    }
    if (message.lifetimeS !== undefined) this.track(message.allocation, this.now() + message.lifetimeS * 1000);
  }

  /** Track an allocation found at start-up, alive for `ttlMs` more. */
  track(allocation: string, expiresAt: number): void {
    if (!this.expiries.has(allocation) && this.expiries.size >= MAX_TRACKED_ALLOCATIONS) {
      this.dropped++;
      return;
    }
    this.expiries.set(allocation, expiresAt);
  }

  /** Allocations alive now (expired ones are forgotten). */
  active(): number {
    const now = this.now();
    for (const [allocation, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(allocation);
    return this.expiries.size;
  }

  /** Bytes relayed since the last {@link AllocationTracker.takeRelayed}, and reset. */
  takeRelayed(): number {
    const bytes = this.relayed;
    this.relayed = 0;
    return bytes;
  }

}
