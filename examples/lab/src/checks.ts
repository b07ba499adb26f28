import type { Direction } from './impairment.js';
import { columnValues, labelValues, overallAudioLossPct, pcsWithState, percentile, shown, within } from './measure.js';
import type { Check } from './scenario.js';

type Column = Parameters<typeof columnValues>[2];

/** The p50 over the steady intervals of one column of one peer connection lies in [min, max]. */
export function p50Within(metric: string, pc: string, column: Column, injected: string, min: number, max: number, unit: string): Check {
  return {
    metric: `${metric} (${pc}, p50 of intervals)`,
    injected,
    tolerance: `${min}–${max} ${unit}`,
    evaluate: (o) => {
      const value = percentile(columnValues(o.reported, pc, column), 50);
      return { reported: shown(value, unit), pass: within(value, min, max) };
    },
  };
}

/** Inbound audio loss over the whole steady call (lost / expected) lies in [min, max] percent. */
export function audioLossWithin(injected: string, min: number, max: number, pc = 'pc1'): Check {
  return {
    metric: `audio inbound packet loss (${pc}, whole call)`,
    injected,
    tolerance: `${min}–${max} %`,
    evaluate: (o) => {
      const value = overallAudioLossPct(o.reported, pc);
      return { reported: shown(value, '%'), pass: within(value, min, max) };
    },
  };
}

/** The share of packets the relay itself dropped at random in one direction: proof that the truth was injected. */
export function relayLossWithin(direction: Direction, injected: string, min: number, max: number): Check {
  return {
    metric: `packets the relay dropped (${direction}, truth)`,
    injected,
    tolerance: `${min}–${max} %`,
    evaluate: (o) => {
      const c = o.relay[direction];
      const seen = c.received - c.droppedUnknown;
      const value = seen > 0 ? (100 * c.droppedLoss) / seen : undefined;
      return { reported: shown(value, '%'), pass: within(value, min, max) };
    },
  };
}

/** Every candidate type the peer connection reported for its selected pair is among the allowed ones, and there is one. */
export function candidateTypes(pc: string, injected: string, local: readonly string[], remote: readonly string[]): Check {
  return {
    metric: `selected candidate pair (${pc}, local / remote)`,
    injected,
    tolerance: `${local.join('|')} / ${remote.join('|')}`,
    evaluate: (o) => {
      const l = labelValues(o.reported, pc, 'local_candidate_type');
      const r = labelValues(o.reported, pc, 'remote_candidate_type');
      const ok = l.length > 0 && r.length > 0 && l.every((t) => local.includes(t)) && r.every((t) => remote.includes(t));
      return { reported: `${l.join('|') || '–'} / ${r.join('|') || '–'}`, pass: ok };
    },
  };
}

/** The relay protocol between browser and TURN server. */
export function relayProtocol(pc: string, expected: string): Check {
  return {
    metric: `TURN relay protocol (${pc})`,
    injected: `turn:…?transport=${expected}`,
    tolerance: expected,
    evaluate: (o) => {
      const values = labelValues(o.reported, pc, 'relay_protocol');
      return { reported: values.join('|') || '–', pass: values.length === 1 && values[0] === expected };
    },
  };
}

/** Both peer connections reported the given state event. */
export function bothReported(type: string, state: string, injected: string): Check {
  return {
    metric: `${type} → ${state} events`,
    injected,
    tolerance: 'pc0 and pc1',
    evaluate: (o) => {
      const pcs = pcsWithState(o.reported, type, state);
      return { reported: pcs.join(', ') || 'none', pass: pcs.includes('pc0') && pcs.includes('pc1') };
    },
  };
}
