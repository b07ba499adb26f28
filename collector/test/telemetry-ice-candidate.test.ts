import { METRICS, prometheusLabelName, prometheusNames, type MetricDefinition, type ReportEvent } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { makeBatch, onAppPerFile, postBatch, scrapeMetrics, T0 } from './fixtures.js';
import { parsePrometheus } from './server-fixtures.js';

const FORMATION = METRICS.find((m: MetricDefinition) => m.name === 'webrtc.ice.pair_formation_time');
if (!FORMATION) throw new Error('the registry has no webrtc.ice.pair_formation_time');
const COUNT = prometheusNames(FORMATION, 'pull').series[2] ?? '';
const CANDIDATE = prometheusLabelName('candidate.type');
const REGION = prometheusLabelName('region');

let app: CollectorApp;
onAppPerFile((a) => (app = a), { telemetry: { serviceName: 'rtcpulse-test', cardinalityLimit: 2000 } });

/** The SDK's event for entry 1: local candidate type in `name`, remote in `stage`. */
const formed = (pc: string, local: string, ms: number): ReportEvent => ({ pc, ts: T0, type: 'ice.pair.formed', value: ms, name: local, stage: 'host' });

/** `_count` of the formation-time histogram per region and candidate type (absent label: `-`). */
async function formationCounts(): Promise<Record<string, number>> {
  const scrape = await scrapeMetrics(app);
  const family = parsePrometheus(scrape.body).get(prometheusNames(FORMATION as MetricDefinition, 'pull').family);
  const counts: Record<string, number> = {};
  for (const sample of family?.samples ?? []) {
    if (sample.name !== COUNT) continue;
    counts[`${sample.labels[REGION] ?? '-'}/${sample.labels[CANDIDATE] ?? '-'}`] = sample.value;
  }
  return counts;
}

describe('ICE candidate-pair formation time on /metrics (runbook entry 1)', () => {
  it('is tagged with the candidate type the event names, in batches without samples', async () => {
    const events = [formed('pc-a', 'relay', 420), formed('pc-b', 'srflx', 180), formed('pc-c', 'host', 35)];
    // An end-of-session burst: events only, no sample to take a candidate type from.
    const batch = makeBatch({ sessionId: 'events-only', samples: [], events, meta: { region: 'ap-south' } });
    expect((await postBatch(app, batch)).statusCode).toBe(202);
    expect(await formationCounts()).toEqual({ 'ap-south/relay': 1, 'ap-south/srflx': 1, 'ap-south/host': 1 });
  });

  it('prefers the event over a sample of the batch, and files an unknown type under other', async () => {
    // The fixture's samples say pc-a is on a host pair; the event (the pair actually selected) says relay.
    const withSamples = makeBatch({ sessionId: 'with-samples', events: [formed('pc-a', 'relay', 300)], meta: { region: 'eu-north' } });
    expect(withSamples.samples.find((s) => s.pc === 'pc-a')?.labels.local_candidate_type).toBe('host');
    const odd = makeBatch({ sessionId: 'odd-type', batchSeq: 1, samples: [], events: [formed('pc-a', 'made-up-type', 90)], meta: { region: 'eu-north' } });
    for (const b of [withSamples, odd]) expect((await postBatch(app, b)).statusCode).toBe(202);
    const counts = await formationCounts();
    expect(counts['eu-north/relay']).toBe(1);
    expect(counts['eu-north/other']).toBe(1);
    expect(counts['eu-north/host']).toBeUndefined();
    expect(Object.keys(counts).filter((k) => k.endsWith('/-'))).toEqual([]);
  });
});
