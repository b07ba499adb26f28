import { METRICS, prometheusLabelName, prometheusNames, type MetricDefinition, type ReportEvent } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { makeBatch, onAppPerFile, postBatch, scrapeMetrics, T0 } from './fixtures.js';
import { parsePrometheus } from './server-fixtures.js';

let app: CollectorApp;
onAppPerFile((a) => (app = a), { telemetry: { serviceName: 'rtcpulse-test', cardinalityLimit: 2000, openValueLimit: 3 } });

const metric = (name: string): MetricDefinition => {
  const found = METRICS.find((m: MetricDefinition) => m.name === name);
  if (!found) throw new Error(`the registry has no ${name}`);
  return found;
};

/** Label values of one pull-path series of `metricName` (a counter's `_total`), one string per series. */
async function seriesLabels(metricName: string, labels: readonly string[]): Promise<string[]> {
  const definition = metric(metricName);
  const names = prometheusNames(definition, 'pull');
  const scrape = await scrapeMetrics(app);
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

describe('client facts as metric attributes', () => {
  it('holds browser, OS, topology and end reasons to their lists, and keeps at most the limit of regions and SDK versions', async () => {
    const statuses: number[] = [];
    // eu-west (the fixtures' region) and 0.1.0 take one place each; the limit is 3.
    const clients = [
      { region: 'eu-west', sdkVersion: '0.1.0', browser: 'chrome', os: 'linux', topology: 'p2p', end: 'closed' },
      { region: 'us-east-1', sdkVersion: '0.2.0', browser: 'Chrome 156 (junk)', os: 'TempleOS', topology: 'mesh', end: 'reason-1' },
      { region: 'not a region!', sdkVersion: 'v-next', browser: 'firefox', os: 'windows', topology: 'sfu', end: 'timeout' },
      { region: 'ap-south', sdkVersion: '0.3.0-rc.1', browser: 'safari', os: 'macos', topology: 'mcu', end: 'reason-2' },
      // Past the limit: new regions and versions are `other`; kept ones stay themselves.
      { region: 'sa-east', sdkVersion: '9.9.9', browser: 'edge', os: 'android', topology: 'p2p', end: 'error' },
      { region: 'us-east-1', sdkVersion: '0.2.0', browser: 'chrome', os: 'linux', topology: 'p2p', end: 'pagehide' },
    ];
    for (const [i, c] of clients.entries()) {
      const batch = makeBatch({
        sessionId: `client-facts-${i}`,
        sdkVersion: c.sdkVersion,
        meta: { browser: c.browser, os: c.os, region: c.region, topology: c.topology },
        events: [{ ts: T0, type: 'session.end', name: c.end, value: 1 }],
      });
      statuses.push((await postBatch(app, batch)).statusCode);
    }
    expect(statuses).toEqual(clients.map(() => 202));
    expect(new Set(await seriesLabels('webrtc.session.ends', ['outcome']))).toEqual(new Set(['closed', 'other', 'timeout', 'error', 'pagehide']));
    const rtt = await seriesLabels('webrtc.connection.rtt', ['region', 'sdk.version', 'browser', 'os', 'topology']);
    const column = (i: number): Set<string> => new Set(rtt.map((row) => row.split('/')[i] as string));
    expect(column(0)).toEqual(new Set(['eu-west', 'us-east-1', 'other', 'ap-south']));
    expect(column(1)).toEqual(new Set(['0.1.0', '0.2.0', 'other', '0.3.0-rc.1']));
    expect(column(2)).toEqual(new Set(['chrome', 'other', 'firefox', 'safari', 'edge']));
    expect(column(3)).toEqual(new Set(['linux', 'other', 'windows', 'macos', 'android']));
    expect(column(4)).toEqual(new Set(['p2p', 'other', 'sfu', 'mcu']));
  });
});
