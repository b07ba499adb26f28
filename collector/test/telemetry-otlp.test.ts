import { createServer, type Server } from 'node:http';
import { METRICS, otelAttributeKey, type MetricDefinition } from '@rtcpulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { serverEventsConfig } from '../src/server-events/config.js';
import { telemetryConfigFromEnv } from '../src/telemetry/config.js';
import { appOn, makeBatch, postBatch, removeDir, tempDataDir } from './fixtures.js';
import { SERVER_KEYS, nodeReport, postServer, recordingEvent, sfuReport, turnReport } from './server-fixtures.js';
import { metricsFedBy } from './telemetry-fixtures.js';

/** The parts of an OTLP/JSON metric this test reads. */
interface OtlpMetric {
  name: string;
  unit?: string;
  description?: string;
  histogram?: { aggregationTemporality: number; dataPoints: { explicitBounds?: number[]; bucketCounts?: (number | string)[]; attributes?: OtlpAttribute[] }[] };
  sum?: { isMonotonic?: boolean; aggregationTemporality: number; dataPoints: { attributes?: OtlpAttribute[] }[] };
  gauge?: { dataPoints: { asDouble?: number; asInt?: number | string; attributes?: OtlpAttribute[] }[] };
}
interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}
interface OtlpRequest {
  resourceMetrics: { resource: { attributes: OtlpAttribute[] }; scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[] }[];
}

const registry: readonly MetricDefinition[] = METRICS;
const requests: { path: string; contentType: string; body: OtlpRequest }[] = [];
let receiver: Server;
let app: CollectorApp;
let dataDir: string;
const fed = new Set<string>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  dataDir = await tempDataDir();
  app = await appOn(dataDir, {
    serverEvents: serverEventsConfig(SERVER_KEYS),
    telemetry: telemetryConfigFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_METRIC_EXPORT_INTERVAL: '3600000',
      OTEL_SERVICE_NAME: 'rtcpulse-otlp-test',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test%20lab,service.instance.id=collector-7',
    }),
  });
  const batch = makeBatch({ sessionId: 'otlp-1' });
  expect((await postBatch(app, batch)).statusCode).toBe(202);
  for (const name of metricsFedBy(batch)) fed.add(name);
  for (const [path, body] of [
    ['sfu', sfuReport()],
    ['turn', turnReport()],
    ['node', nodeReport()],
    ['recordings', recordingEvent({ state: 'finished', durationMs: 600_000, bytes: 1e9 })],
  ] as const) {
    expect((await postServer(app, path, body)).statusCode).toBe(202);
  }
  for (const m of registry) if (m.scope === 'server') fed.add(m.name);
  await app.telemetry.flush();
});
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  await removeDir(dataDir);
});

function exported(): Map<string, OtlpMetric> {
  const metrics = new Map<string, OtlpMetric>();
  for (const request of requests) {
    for (const resource of request.body.resourceMetrics) {
      for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) metrics.set(metric.name, metric);
    }
  }
  return metrics;
}

describe('OTLP/HTTP export when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
  it('posts JSON to <endpoint>/v1/metrics with the service name', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]?.path).toBe('/v1/metrics');
    expect(requests[0]?.contentType).toMatch(/application\/json/);
    const resource = requests[0]?.body.resourceMetrics[0]?.resource.attributes ?? [];
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'rtcpulse-otlp-test' } });
    // What tells collector instances apart once Prometheus's OTLP receiver makes it the `instance` label.
    expect(resource).toContainEqual({ key: 'service.instance.id', value: { stringValue: 'collector-7' } });
    expect(resource).toContainEqual({ key: 'deployment.environment', value: { stringValue: 'test lab' } });
  });

  it('exports every registry metric that received data with its registry name, unit and instrument kind', () => {
    const metrics = exported();
    for (const name of fed) {
      const metric = registry.find((m) => m.name === name) as MetricDefinition;
      const sent = metrics.get(name);
      expect(sent, name).toBeDefined();
      expect(sent?.unit, name).toBe(metric.unit);
      expect(sent?.description, name).toBe(metric.description);
      if (metric.instrument === 'histogram') expect(sent?.histogram, name).toBeDefined();
      if (metric.instrument === 'counter') expect(sent?.sum?.isMonotonic, name).toBe(true);
      if (metric.instrument === 'gauge') expect(sent?.gauge, name).toBeDefined();
    }
  });

  it('sends histograms with the registry buckets and only allowed attribute keys', () => {
    for (const [name, sent] of exported()) {
      const metric = registry.find((m) => m.name === name);
      if (!metric) continue;
      const allowed = new Set(metric.attributes.map(otelAttributeKey));
      const points = sent.histogram?.dataPoints ?? sent.sum?.dataPoints ?? sent.gauge?.dataPoints ?? [];
      expect(points.length, name).toBeGreaterThan(0);
      for (const point of points) {
        for (const attribute of point.attributes ?? []) expect(allowed, `${name} ${attribute.key}`).toContain(attribute.key);
      }
      for (const point of sent.histogram?.dataPoints ?? []) {
        expect(point.explicitBounds, name).toEqual([...(metric.buckets ?? [])]);
        expect(point.bucketCounts?.length, name).toBe((metric.buckets?.length ?? 0) + 1);
      }
    }
  });
});
