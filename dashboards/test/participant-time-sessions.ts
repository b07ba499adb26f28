/**
 * Random client sessions for comparing participant-time formulations:
 * connections in parallel (sub-second phases), added late, reconnecting
 * after a gap, dropping samples (gaps), and samples whose length is not the
 * usual 2 s (0, under a second, fractional, or up to a minute, reaching
 * back over earlier samples and into gaps), plus a few hand-made sessions
 * that reach into gaps in known ways. Deterministic for a given seed.
 */
import { seededRandom } from '@rtcpulse/collector/fault/sdk-reports';

/** One `samples` row as the test inserts it. */
export interface SampleRow {
  readonly tenant: string;
  readonly session_id: string;
  readonly call_id: string;
  readonly participant_id: string;
  readonly pc_id: string;
  readonly seq: number;
  readonly ts: string;
  readonly dur_ms: number;
  readonly received_at: string;
  readonly region: string;
  readonly browser: string;
  readonly local_candidate_type: string;
  readonly bytes_received: number;
  readonly bytes_sent: number;
}

/** A sample before it becomes a row: its connection, end (epoch ms) and length (ms). */
interface Sample {
  readonly pc: string;
  readonly tsMs: number;
  readonly durMs: number;
  readonly candidate: string;
}

const CANDIDATES = ['host', 'srflx', 'relay'] as const;

/** One connection's samples from `startMs`: the SDK's first sample has no length, then mostly ~2 s intervals with the odd gap or unusual length. */
function connection(rand: () => number, pc: string, startMs: number, count: number): Sample[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  let candidate: string = pick(CANDIDATES);
  const samples: Sample[] = [{ pc, tsMs: startMs, durMs: 0, candidate }];
  let t = startMs;
  for (let i = 1; i < count; i++) {
    const r = rand();
    const previous = t;
    if (r < 0.02) candidate = pick(CANDIDATES); // an ICE restart onto another path
    if (r < 0.07) {
      // Samples dropped: the next one covers only its own 2 s, or the whole gap (a frozen tab).
      t += 3_000 + Math.floor(rand() * 30_000);
      samples.push({ pc, tsMs: t, durMs: rand() < 0.5 ? 2_000 : t - previous, candidate });
    } else if (r < 0.12) {
      t += 2_000;
      samples.push({ pc, tsMs: t, durMs: 2_000 + Math.floor(rand() * 60_000), candidate });
    } else if (r < 0.16) {
      t += 2_000;
      samples.push({ pc, tsMs: t, durMs: Math.floor(rand() * 1_500), candidate });
    } else {
      t += 2_000 + Math.floor(rand() * 61) - 30;
      samples.push({ pc, tsMs: t, durMs: t - previous + (rand() < 0.3 ? rand() * 20 - 10 : 0), candidate });
    }
  }
  return samples;
}

/** A random session of 1–4 connections starting near `t0`. */
function randomSession(rand: () => number, t0: number): Sample[] {
  const count = () => 1 + Math.floor(rand() * 40);
  const start = t0 + Math.floor(rand() * 3_600_000);
  const first = connection(rand, 'pc-0', start + Math.floor(rand() * 2_000), count());
  const samples = [...first];
  const pcs = Math.floor(rand() * 4);
  for (let k = 1; k <= pcs; k++) {
    const mode = rand();
    const lastEnd = samples[samples.length - 1]?.tsMs ?? start;
    // In parallel (its own phase), added late, or a reconnect after the previous connection ended.
    const at = mode < 0.4 ? start + Math.floor(rand() * 2_000) : mode < 0.7 ? start + Math.floor(rand() * 120_000) : lastEnd + Math.floor(rand() * 20_000);
    samples.push(...connection(rand, `pc-${k}`, at, count()));
  }
  return samples;
}

/** Hand-made sessions (`[pc, end s, length s]` after `t0`) that reach into gaps: filled whole, in part, several at once, one after another, and before the first start. */
const REACHING_BACK: readonly (readonly [string, number, number])[][] = [
  [['a', 2, 2], ['a', 4, 2], ['a', 6, 2], ['a', 30, 2], ['a', 32, 2], ['b', 33, 31]],
  [['a', 10, 2], ['a', 20, 2], ['a', 30, 2], ['a', 40, 2], ['b', 41, 26], ['b', 42, 40], ['c', 43.5, 0.5]],
  [['a', 100, 2], ['b', 100.999, 1.1], ['a', 102, 2], ['b', 103, 10], ['c', 103.5, 30]],
  [['a', 5, 1], ['a', 7, 1], ['a', 9, 1], ['a', 11, 1], ['b', 11.5, 11.2], ['a', 13, 1], ['b', 13.5, 1.999]],
];

function rows(tenant: string, sessionId: string, region: string, samples: readonly Sample[]): SampleRow[] {
  const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const seq = new Map<string, number>();
  return samples.map((s) => {
    const n = seq.get(s.pc) ?? 0;
    seq.set(s.pc, n + 1);
    return {
      tenant, session_id: sessionId, call_id: `call-${sessionId}`, participant_id: `p-${sessionId}`, pc_id: s.pc, seq: n,
      ts: iso(s.tsMs), dur_ms: s.durMs, received_at: iso(s.tsMs), region, browser: 'chrome',
      local_candidate_type: s.candidate, bytes_received: Math.round(s.durMs * 100), bytes_sent: n,
    };
  });
}

/**
 * `count` random sessions (and the hand-made ones) from `t0` on, over two
 * tenants; each session has a region of its own, so result rows name it.
 */
export function generateSessions(seed: number, count: number, t0: number): SampleRow[] {
  const rand = seededRandom(seed);
  const out: SampleRow[] = [];
  for (let i = 0; i < count; i++) {
    const id = `s${seed}-${i}`;
    out.push(...rows(i % 3 === 0 ? 'tenant-y' : 'tenant-x', id, `r-${id}`, randomSession(rand, t0)));
  }
  REACHING_BACK.forEach((spec, i) => {
    const id = `s${seed}-edge-${i}`;
    const base = t0 + 600_000 + i * 300_000 + (seed % 1000);
    const samples = spec.map(([pc, end, len]) => ({ pc: `pc-${pc}`, tsMs: base + Math.round(end * 1000), durMs: len * 1000, candidate: 'host' }));
    out.push(...rows('tenant-x', id, `r-${id}`, samples));
  });
  return out;
}

/**
 * Seconds of a gap between earlier samples that a later-ending sample
 * covers (a gap filled from behind), summed over the sessions: evidence
 * that the data exercises that path.
 */
export function secondsFilledFromBehind(rows: readonly SampleRow[]): number {
  const bySession = new Map<string, { s: number; e: number }[]>();
  for (const r of rows) {
    const endMs = Date.parse(`${r.ts.replace(' ', 'T')}Z`);
    const span = { s: Math.floor((endMs - Math.trunc(r.dur_ms)) / 1000), e: Math.floor(endMs / 1000) };
    if (span.s < span.e) bySession.set(r.session_id, [...(bySession.get(r.session_id) ?? []), span]);
  }
  let filled = 0;
  for (const spans of bySession.values()) {
    spans.sort((a, b) => a.e - b.e || a.s - b.s);
    const covered = new Set<number>();
    let frontier = -Infinity;
    let lowest = Infinity;
    for (const { s, e } of spans) {
      for (let x = s; x < e; x++) {
        if (!covered.has(x) && x >= lowest && x < frontier) filled++;
        covered.add(x);
      }
      frontier = Math.max(frontier, e);
      lowest = Math.min(lowest, s);
    }
  }
  return filled;
}
