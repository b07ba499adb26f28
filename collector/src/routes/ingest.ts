import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ReportBatchSchema, type ReportBatch } from '@rtcpulse/schema';
import { Type } from '@sinclair/typebox';
import { CollectorError, ErrorResponseSchema } from '../errors.js';
import { findUnstorableTimestamp } from '../store/rows.js';

/** Answer to an accepted batch: how many rows of each kind were stored. */
export const AcceptedResponseSchema = Type.Object({
  accepted: Type.Object({ samples: Type.Integer(), events: Type.Integer() }),
});

/**
 * `POST /v1/reports`: one report batch from the browser SDK. The body is
 * validated against the wire schema before anything is written, and the 202
 * is sent only after ClickHouse has committed the rows. `text/plain` bodies
 * are parsed as JSON too: `sendBeacon` and `fetch(..., { keepalive })` send
 * them so that no CORS preflight is needed.
 */
export const ingestRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('text/plain', { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'));

  fastify.post(
    '/v1/reports',
    {
      schema: {
        body: ReportBatchSchema,
        response: { 202: AcceptedResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      // The schema above guarantees this shape; its static type is only looser.
      const batch = request.body as ReportBatch;
      const unstorable = findUnstorableTimestamp(batch);
      if (unstorable) {
        throw new CollectorError(400, 'RTCPULSE_TIMESTAMP_RANGE', `${unstorable} must be a time between 1970 and 2299`);
      }
      const accepted = await fastify.store.insertBatch(batch);
      return reply.code(202).send({ accepted });
    },
  );
};
