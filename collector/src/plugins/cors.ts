import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** How long browsers may cache a preflight answer, in seconds. */
export const PREFLIGHT_MAX_AGE_S = 600;

const ALLOWED_METHODS = 'GET, POST, OPTIONS';

function allowOrigin(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  if (!origin) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('vary', 'Origin');
}

/**
 * Minimal CORS: every response to a request with an `Origin` reflects that
 * origin, and `OPTIONS` preflights on any path are answered with 204.
 * Per-tenant origin allow-lists will replace the reflection.
 */
export const corsPlugin = fp(
  async (fastify) => {
    fastify.addHook('onRequest', async (request, reply) => {
      allowOrigin(request, reply);
    });
    fastify.options('*', async (request, reply) => {
      const requestedHeaders = request.headers['access-control-request-headers'];
      reply
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', requestedHeaders ?? 'content-type')
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
        .code(204)
        .send();
    });
  },
  { name: 'rtcpulse-cors' },
);
