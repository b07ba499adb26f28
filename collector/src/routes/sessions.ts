import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { REPORT_LIMITS } from '@rtcpulse/schema';
import { Type } from '@sinclair/typebox';
import { ErrorResponseSchema } from '../errors.js';
import { requireKeyTenant, tenantParameter } from './tenant-read.js';

const Id = Type.String({ minLength: 1, maxLength: REPORT_LIMITS.maxIdLength });

const SessionSamplesResponseSchema = Type.Object({
  tenant: Type.String(),
  sessionId: Type.String(),
  /** The session's samples in all; `samples` is the page asked for. */
  total: Type.Integer(),
  /** Where the next page starts (`offset=`), when there are more. */
  nextOffset: Type.Optional(Type.Integer()),
  samples: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]))),
});


/**
 * `GET /v1/sessions/:sessionId/samples?tenant=...[&limit=N][&offset=K]`: the
 * stored sample rows of one session, a page of at most `limit` (default
 * and most 10 000) from `offset`, with the session's `total` and, when
 * more follow, the `nextOffset` to ask for. A server key with the `read` scope is
 * required (`Authorization: Bearer <key>`, 401 otherwise), and `tenant`
 * must be that key's tenant (403 otherwise): no read crosses tenants.
 */
export const sessionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/v1/sessions/:sessionId/samples',
    {
      onRequest: fastify.serverKeyHook('read', tenantParameter),
      schema: {
        params: Type.Object({ sessionId: Id }),
        querystring: Type.Object({
          tenant: Id,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          offset: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 200: SessionSamplesResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      const { tenant, limit, offset = 0 } = request.query;
      requireKeyTenant(request, tenant);
      const page = await fastify.store.sessionSamples({ tenant, sessionId, offset, ...(limit ? { limit } : {}) });
      const end = offset + page.rows.length;
      return { tenant, sessionId, total: page.total, ...(end < page.total ? { nextOffset: end } : {}), samples: page.rows };
    },
  );
};
