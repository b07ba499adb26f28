import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ReportBatchSchema, type ReportBatch } from '@rtcpulse/schema';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { CollectorError, ErrorResponseSchema } from '../errors.js';
import { findUnstorableTimestamp } from '../store/rows.js';
import { explainedJsonParser } from './json-body.js';

/** Answer to an accepted batch: how many rows of each kind it carried, and where it is now. */
export const AcceptedResponseSchema = Type.Object({
  accepted: Type.Object({ samples: Type.Integer(), events: Type.Integer() }),
  /** `stored`: in ClickHouse; `spooled`: on the collector's disk, inserted later; `duplicate`: a retry of a durable report. */
  durable: Type.Optional(Type.Union([Type.Literal('stored'), Type.Literal('spooled'), Type.Literal('duplicate')])),
});

/**
 * What a report counts against the spool cap: the bytes of its JSON as
 * parsed, after any decompression, whatever `Content-Length` said (a
 * gzip'd or chunked body's wire size says little about what is spooled).
 */
function bodyBytes(request: FastifyRequest): number {
  return request.decodedBodyBytes ?? (Number(request.headers['content-length'] ?? 0) || 0);
}

/**
 * `POST /v1/reports`: one report batch from the browser SDK. The body is
 * validated against the wire schema before anything is kept. A 202 means the
 * report is durable: in ClickHouse, or in the collector's fsync'd spool when
 * ClickHouse is slow or down (`durable` says which). When the spool or the
 * in-memory queue is full the answer is 503 with `Retry-After`. `text/plain`
 * bodies are parsed as JSON too: `sendBeacon` and `fetch(..., { keepalive })`
 * send them so that no CORS preflight is needed.
 */
export const ingestRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('text/plain', { parseAs: 'string' }, explainedJsonParser(fastify));

  fastify.post(
    '/v1/reports',
    {
      schema: {
        body: ReportBatchSchema,
        response: { 202: AcceptedResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const receivedAt = Date.now();
      // The schema above guarantees this shape; its static type is only looser.
      const batch = request.body as ReportBatch;
      const unstorable = findUnstorableTimestamp(batch);
      if (unstorable) {
        throw new CollectorError(400, 'RTCPULSE_TIMESTAMP_RANGE', `${unstorable} must be a time between 1970 and 2299`);
      }
      const outcome = await fastify.ingest.accept(batch, receivedAt, bodyBytes(request), request.clockSkew?.skewMs);
      request.ingestOutcome = outcome.status === 'unavailable' ? outcome.reason : outcome.status;
      if (outcome.status === 'unavailable') {
        request.log.warn({ reason: outcome.reason }, 'report refused: ingest is at capacity');
        return reply
          .code(503)
          .header('retry-after', String(outcome.retryAfterSeconds))
          .send({ error: 'Service Unavailable', message: `The collector is at capacity (${outcome.reason}); retry later.` });
      }
      request.reportIsRetry = outcome.status === 'duplicate';
      const accepted = { samples: batch.samples.length, events: batch.events.length };
      return reply.code(202).send({ accepted, durable: outcome.status });
    },
  );
};
