/**
 * Report bodies shaped like what the SDK sends, built from the registry:
 * one peer connection's batch of samples (every connection metric, every
 * stream metric on audio and video in both directions, the labels) and the
 * lifecycle events of its place in the session. Values are random but
 * plausible (drawn below a metric's middle bucket), from a seeded generator
 * so that runs are comparable. Used by the benchmark, the fault suite and tests.
 */
import {
  METRICS,
  REPORT_VERSION,
  SAMPLE_LABELS,
  STREAM_KEYS,
  type MetricDefinition,
  type ReportBatch,
  type ReportEvent,
  type Sample,
} from '@rtcpulse/schema';

/** The SDK's default sampling interval. */
export const SAMPLE_INTERVAL_MS = 2000;

/** A seeded pseudo-random generator (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const registry: readonly MetricDefinition[] = METRICS;

function plausible(metric: MetricDefinition, random: () => number): number {
  const buckets = metric.buckets;
  const top = buckets?.length ? (buckets[Math.floor(buckets.length * 0.6)] ?? 100) : metric.unit === 'By' ? 400_000 : 200;
  const value = random() * top;
  return metric.instrument === 'counter' || metric.unit === '{pixel}' ? Math.round(value) : Math.round(value * 100) / 100;
}

function sample(pc: string, seq: number, ts: number, random: () => number): Sample {
  const conn: Record<string, number> = {};
  const streams: Record<string, Record<string, number>> = {};
  for (const metric of registry) {
    if (metric.scope === 'connection') conn[metric.key] = plausible(metric, random);
    if (metric.scope !== 'stream') continue;
    for (const stream of metric.streams) {
      if (!STREAM_KEYS.includes(stream)) continue;
      (streams[stream] ??= {})[metric.key] = plausible(metric, random);
    }
  }
  const labels: Record<string, string> = {};
  for (const label of SAMPLE_LABELS) {
    const values: readonly string[] = label.values;
    labels[label.key] = values[Math.floor(random() * values.length)] ?? 'other';
  }
  return { pc, seq, ts, dur: seq === 0 ? 0 : SAMPLE_INTERVAL_MS, conn, streams, labels } as Sample;
}

/** Where a report sits in its session. */
export interface ReportPlace {
  readonly tenant: string;
  readonly sessionId: string;
  /** Per-session batch number from 0; the first carries the setup events. */
  readonly batchSeq: number;
  /** Samples per report (the SDK sends every 10 s, five 2 s samples). */
  readonly samples?: number;
  /** Add a `session.end` event. */
  readonly last?: boolean;
  /** Time of the batch's first sample (default: now minus the batch's span). */
  readonly startTs?: number;
  readonly seed?: number;
  readonly region?: string;
  readonly browser?: string;
}

function events(place: ReportPlace, pc: string, ts: number): ReportEvent[] {
  const list: ReportEvent[] = [];
  if (place.batchSeq === 0) {
    list.push(
      { ts: ts - 900, type: 'session.start' },
      { pc, ts: ts - 850, type: 'pc.added' },
      { pc, ts: ts - 700, type: 'ice.gathering.state', state: 'gathering' },
      { pc, ts: ts - 400, type: 'ice.connection.state', state: 'connected' },
      { pc, ts: ts - 390, type: 'ice.pair.formed', value: 310 },
      { pc, ts: ts - 300, type: 'connection.state', state: 'connected' },
    );
  }
  if (place.last) list.push({ pc, ts, type: 'pc.closed' }, { ts: ts + 1, type: 'session.end', name: 'closed' });
  return list;
}

/** One report: one peer connection's batch of samples with its events. */
export function sdkReport(place: ReportPlace): ReportBatch {
  const random = seededRandom(place.seed ?? place.batchSeq + 1);
  const count = place.samples ?? 5;
  const pc = 'pc-0';
  const start = place.startTs ?? Date.now() - count * SAMPLE_INTERVAL_MS;
  const samples = Array.from({ length: count }, (_, i) => sample(pc, place.batchSeq * count + i, start + i * SAMPLE_INTERVAL_MS, random));
  const lastTs = start + (count - 1) * SAMPLE_INTERVAL_MS;
  return {
    v: REPORT_VERSION,
    sdkVersion: '0.1.0',
    tenant: place.tenant,
    sessionId: place.sessionId,
    callId: `call-${place.sessionId}`,
    participantId: `p-${place.sessionId}`,
    batchSeq: place.batchSeq,
    sentAt: lastTs + 50,
    meta: {
      browser: place.browser ?? 'chrome',
      browserVersion: '156',
      os: 'linux',
      region: place.region ?? 'eu-west',
      topology: 'sfu',
    },
    dropped: { samples: 0, events: 0 },
    samples,
    events: events(place, pc, lastTs),
  };
}
