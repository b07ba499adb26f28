import { METRICS, prometheusLabelName, prometheusNames, type MetricDefinition, type ReportEvent } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { T0, makeBatch, onAppPerFile, postBatch } from './fixtures.js';
import { parsePrometheus } from './server-fixtures.js';

let app: CollectorApp;
onAppPerFile((a) => (app = a), { telemetry: { serviceName: 'rtcpulse-test', cardinalityLimit: 2000 } });

const metric = (name: string): MetricDefinition => {
  const found = METRICS.find((m: MetricDefinition) => m.name === name);
  if (!found) throw new Error(`the registry has no ${name}`);
  return found;
};

/** Label values of one pull-path series of `metricName` (a counter's `_total`), one string per series. */
async function seriesLabels(metricName: string, labels: readonly string[]): Promise<string[]> {
  const definition = metric(metricName);
  const names = prometheusNames(definition, 'pull');
  const scrape = await app.inject({ method: 'GET', url: '/metrics' });
  const family = parsePrometheus(scrape.body).get(names.family);
  const keys = labels.map((l) => prometheusLabelName(l as never));
  return (family?.samples ?? []).map((s) => keys.map((k) => s.labels[k] ?? '-').join('/')).sort();
}

const error = (stage: string, name: string): ReportEvent => ({ pc: 'pc-a', ts: T0, type: 'error', stage, name, message: 'm' });

describe('client-sent attribute values the registry lists', () => {
  it('keeps listed values and files free text under the list stand-in, so one client cannot open new series', async () => {
    const events: ReportEvent[] = [
      error('getUserMedia', 'NotAllowedError'),
      error('joinRoom', 'NotAllowedError'), // an app's own stage: filed under `app`
      error('setRemoteDescription', 'ComplexMadeUpError'),
      { ts: T0, type: 'feedback.complaint', name: 'echo' },
      { ts: T0, type: 'feedback.complaint', name: 'my-own-complaint' },
    ];
    const [first] = makeBatch().samples;
    if (!first) throw new Error('no sample');
    const relayed = { ...first, conn: { ...first.conn, relayed_bytes: 5000 }, labels: { ...first.labels, local_candidate_type: 'relay', relay_protocol: 'carrier-pigeon' } };
    const batch = makeBatch({ sessionId: 'closed-lists', samples: [relayed], events });
    expect((await postBatch(app, batch)).statusCode).toBe(202);

    expect(await seriesLabels('webrtc.errors', ['error.stage', 'error.name'])).toEqual([
      'app/NotAllowedError',
      'getUserMedia/NotAllowedError',
      'setRemoteDescription/other',
    ]);
    expect(await seriesLabels('webrtc.feedback.complaints', ['complaint'])).toEqual(['echo', 'other']);
    expect(await seriesLabels('webrtc.transport.relayed', ['candidate.type', 'relay.protocol'])).toEqual(['relay/other']);
  });
});
