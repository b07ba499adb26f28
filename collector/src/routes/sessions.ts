import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { REPORT_LIMITS } from '@rtcpulse/schema';
import { Type } from '@sinclair/typebox';
import { ErrorResponseSchema } from '../errors.js';

const Id = Type.String({ minLength: 1, maxLength: REPORT_LIMITS.maxIdLength });

const SessionSamplesResponseSchema = Type.Object({
  tenant: Type.String(),
  sessionId: Type.String(),
  samples: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]))),
});

/**
 * `GET /v1/sessions/:sessionId/samples?tenant=...[&limit=N]`: the stored
 * sample rows of one session, scoped by tenant, for the demo and tests.
 * Not for production traffic: it has no authentication yet.
 */
export const sessionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/v1/sessions/:sessionId/samples',
    {
      schema: {
        params: Type.Object({ sessionId: Id }),
        querystring: Type.Object({
          tenant: Id,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
        }),
        response: { 200: SessionSamplesResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      const { tenant, limit } = request.query;
      const samples = await fastify.store.sessionSamples({ tenant, sessionId, ...(limit ? { limit } : {}) });
      return { tenant, sessionId, samples };
    },
  );
};
