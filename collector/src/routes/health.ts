import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const StatusSchema = Type.Object({ status: Type.String() });

/**
 * `GET /healthz`: the process is up (liveness).
 * `GET /readyz`: migrations are done and ClickHouse answers `SELECT 1`
 * (readiness); 503 otherwise.
 */
export const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/healthz', { schema: { response: { 200: StatusSchema } } }, async () => ({ status: 'ok' }));

  fastify.get('/readyz', { schema: { response: { 200: StatusSchema, 503: StatusSchema } } }, async (_request, reply) => {
    const ready = await fastify.store.isReady();
    return ready ? reply.code(200).send({ status: 'ready' }) : reply.code(503).send({ status: 'unavailable' });
  });
};
