import { STATUS_CODES } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { exposeIngestAnswer } from './plugins/cors.js';

/** Body of every error response. */
export const ErrorResponseSchema = Type.Object({
  /** HTTP reason phrase, for example `Bad Request`. */
  error: Type.String(),
  /** What was wrong; for a 400 it names the offending field. Never internal details for 5xx. */
  message: Type.String(),
});

/** @see {@link ErrorResponseSchema} */
export type ErrorResponse = Static<typeof ErrorResponseSchema>;

/** An error with an HTTP status and a stable code, thrown by routes. */
export class CollectorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CollectorError';
  }
}

function statusOf(error: Partial<FastifyError>): number {
  const status = error.statusCode;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}

function response(status: number, message: string): ErrorResponse {
  return { error: STATUS_CODES[status] ?? 'Error', message };
}

/** The route a request matched, or its path without the query (which may carry a key). */
const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? request.url.split('?')[0] ?? '';

/**
 * One error handler for the whole app: 4xx answers say what was wrong
 * (validation messages name the field), 5xx answers say nothing about the
 * cause, which goes to the log instead. Unknown routes get the same shape,
 * are logged as rejected, and are readable by the page that asked (see
 * `exposeIngestAnswer`), so a mistyped endpoint reaches the SDK as a 404.
 */
export const errorHandlerPlugin = fp(
  async (fastify) => {
    fastify.setErrorHandler<FastifyError>((error, request, reply) => {
      const status = statusOf(error);
      if (status >= 500) {
        request.log.error({ err: error, method: request.method, route: routeOf(request) }, 'request failed');
        return reply.code(status).send(response(status, 'The collector could not handle the request.'));
      }
      request.log.info({ code: error.code, reason: error.message, method: request.method, route: routeOf(request) }, 'request rejected');
      return reply.code(status).send(response(status, error.message));
    });
    fastify.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      request.log.info({ code: 'NOT_FOUND', method: request.method, route: path }, 'request rejected');
      // A page posting to a mistyped endpoint (usually from another origin) must be able to read this 404, or its SDK
      // sees only a network error, retries, and never tells the app; the body names only the path the page sent.
      exposeIngestAnswer(reply, request.headers.origin);
      return reply.code(404).send(response(404, `${request.method} ${path} is not a route`));
    });
  },
  { name: 'rtcpulse-errors' },
);
