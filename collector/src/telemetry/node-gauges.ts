import type { Attributes } from '@opentelemetry/api';

/** One value of a gauge with its (already exported) attributes. */
export interface GaugePoint {
  readonly value: number;
  readonly attributes: Attributes;
}

interface NodeEntry {
  readonly points: readonly GaugePoint[];
  readonly expiresAt: number;
}

/** Most nodes one gauge tracks; reports from further nodes are ignored until some expire. */
export const MAX_NODES_PER_GAUGE = 10_000;

function attributesKey(attributes: Attributes): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Fleet-wide gauges built from per-node reports. Each node's latest report
 * replaces its previous points for that gauge; a node that stops reporting
 * drops out after its time to live. Observing sums the live nodes' points
 * per attribute set, so "active TURN allocations" is the sum over all TURN
 * servers that reported recently.
 */
export class NodeGauges {
  private readonly gauges = new Map<string, Map<string, NodeEntry>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Replace `node`'s points of gauge `metric`, valid for `ttlMs`. */
  set(metric: string, node: string, points: readonly GaugePoint[], ttlMs: number): void {
    let nodes = this.gauges.get(metric);
    if (!nodes) {
      nodes = new Map();
      this.gauges.set(metric, nodes);
    }
    if (!nodes.has(node) && nodes.size >= MAX_NODES_PER_GAUGE) this.expire(nodes);
    if (!nodes.has(node) && nodes.size >= MAX_NODES_PER_GAUGE) return;
    nodes.set(node, { points, expiresAt: this.now() + ttlMs });
  }

  /** Current sums of gauge `metric` per attribute set, over nodes that have not expired. */
  observe(metric: string): GaugePoint[] {
    const nodes = this.gauges.get(metric);
    if (!nodes) return [];
    this.expire(nodes);
    const sums = new Map<string, { value: number; attributes: Attributes }>();
    for (const entry of nodes.values()) {
      for (const point of entry.points) {
        const key = attributesKey(point.attributes);
        const sum = sums.get(key);
        if (sum) sum.value += point.value;
        else sums.set(key, { value: point.value, attributes: point.attributes });
      }
    }
    return [...sums.values()];
  }

  private expire(nodes: Map<string, NodeEntry>): void {
    const now = this.now();
    for (const [node, entry] of nodes) if (entry.expiresAt <= now) nodes.delete(node);
  }
}
