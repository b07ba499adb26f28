import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CollectorError } from '../errors.js';

type ParserDone = (error: Error | null, body?: unknown) => void;

/**
 * Fastify's JSON parser (which refuses `__proto__` and
 * `constructor.prototype` keys), with a refusal that says what was wrong:
 * Fastify's own message names `application/json` whatever the request's
 * type and never says why. Only a refused body is parsed a second time, to
 * tell a syntax error (with where it is) from a forbidden key.
 */
export function explainedJsonParser(fastify: FastifyInstance): (request: FastifyRequest, body: string, done: ParserDone) => void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    void parse(request, body, (error, value) => {
      if (!error) return done(null, value);
      let message: string;
      try {
        JSON.parse(body);
        message = 'body has a forbidden key (__proto__, or constructor with prototype)';
      } catch (syntax) {
        message = body.trim() === '' ? 'body is empty' : `body is not valid JSON: ${(syntax as Error).message}`;
      }
      done(new CollectorError(400, 'INVALID_JSON', message));
    });
  };
}
