import { COLLECTOR_METRIC_NAMES, type ReportBatch } from '@rtcpulse/schema';
import { timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import fp from 'fastify-plugin';
import { OUTCOME_ATTRIBUTES, observeIngest, reportOutcome, type IngestOutcome } from './collector-health.js';
import type { TelemetryConfig } from './config.js';
import { createTelemetry, type Telemetry } from './telemetry.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** OpenTelemetry metrics generated from the registry. */
    telemetry: Telemetry;
  }
  interface FastifyRequest {
    /** Set by the ingest route when the report retries one already durable: stored once, so counted once. */
    reportIsRetry: boolean;
    /** Set by the ingest route: what became of the report (absent when it was refused before the route). */
    ingestOutcome: IngestOutcome | undefined;
  }
}

/** Options of {@link telemetryPlugin}. */
export interface TelemetryPluginOptions {
  config: TelemetryConfig;
}

/** Whether an `Authorization` header carries exactly `Bearer <token>` (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

const gzipAsync = promisify(gzip);

/** Pages shorter than this go uncompressed (not worth a trip to the thread pool). */
const GZIP_FROM_BYTES = 4096;

/** Content type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * OpenTelemetry for the collector: decorates `fastify.telemetry`, serves
 * `GET /metrics` (Prometheus text), records every client report answered
 * with a 2xx on `POST /v1/reports` once the reply is sent, batched per tick
 * (register this plugin before the ingest routes so the hook reaches them),
 * except retries of reports already durable, counts every answer to it by
 * outcome, publishes the spool's gauges (when the store plugin was
 * registered first), and flushes OTLP on close.
 */
export const telemetryPlugin = fp<TelemetryPluginOptions>(
  async (fastify, options) => {
    const telemetry = createTelemetry(options.config);
    fastify.decorate('telemetry', telemetry);
    fastify.addHook('onClose', async () => {
      await telemetry.shutdown();
    });

    if (fastify.hasDecorator('ingest')) observeIngest(telemetry, fastify.ingest);

    fastify.decorateRequest('reportIsRetry', false);
    fastify.decorateRequest('ingestOutcome', undefined);
    fastify.addHook('onResponse', (request, reply, done) => {
      if (request.method !== 'POST' || request.routeOptions.url !== '/v1/reports') return done();
      const outcome = request.auditFailed ? 'audit_error' : reportOutcome(reply.statusCode, request.ingestOutcome);
      telemetry.record(COLLECTOR_METRIC_NAMES.reports, 1, OUTCOME_ATTRIBUTES[outcome]);
      // A report kept while its audit append failed (answered 503) is recorded now: its retry is a duplicate.
      const kept = (reply.statusCode >= 200 && reply.statusCode <= 299) || request.auditFailed === true;
      const accepted = kept && !request.reportIsRetry;
      if (accepted) {
        // Recorded after this tick's replies are written, together with the tick's other reports.
        telemetry.recordBatchLater(request.body as ReportBatch, (error) => {
          request.log.warn({ err: error }, 'could not record report metrics');
        });
      }
      done();
    });

    const token = options.config.metricsToken;
    fastify.get('/metrics', async (request, reply) => {
      if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'Unauthorized', message: 'GET /metrics needs Authorization: Bearer <RTCPULSE_METRICS_TOKEN>' });
      }
      const text = await telemetry.scrape();
      reply.header('content-type', PROMETHEUS_CONTENT_TYPE).header('vary', 'accept-encoding');
      // Prometheus asks for gzip: a large page compresses ~10×, in libuv's thread pool, not on the event loop.
      if (text.length >= GZIP_FROM_BYTES && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
        return reply.header('content-encoding', 'gzip').send(await gzipAsync(text));
      }
      return reply.send(text);
    });
  },
  { name: 'rtcpulse-telemetry' },
);
