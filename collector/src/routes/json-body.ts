import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CollectorError } from '../errors.js';

type ParserDone = (error: Error | null, body?: unknown) => void;

declare module 'fastify' {
  interface FastifyRequest {
    /** UTF-8 bytes of the JSON body as parsed (after any decompression), set by {@link explainedJsonParser}. */
    decodedBodyBytes?: number;
  }
}

/** A JSON escape of a UTF-16 surrogate (`\ud83c`): only escapes can put a lone one into a parsed string. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** A surrogate without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The path (`body/callId`, `body/events/3/name`) of the first key or string
 * in `value` that is not well-formed Unicode, or undefined. Such text cannot
 * be stored as it was sent (the store keeps UTF-8, where a lone surrogate
 * becomes U+FFFD and distinct ids would collapse into one), so it is refused.
 */
function illFormedText(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return `${path}/${key}`;
    const found = illFormedText(item, `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Fastify's JSON parser (which refuses `__proto__` and
 * `constructor.prototype` keys), with a refusal that says what was wrong:
 * Fastify's own message names `application/json` whatever the request's
 * type and never says why. Only a refused body is parsed a second time, to
 * tell a syntax error (with where it is) from a forbidden key. Text with a
 * lone surrogate escape is refused too, naming where it is.
 */
export function explainedJsonParser(fastify: FastifyInstance): (request: FastifyRequest, body: string, done: ParserDone) => void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    request.decodedBodyBytes = Buffer.byteLength(body);
    void parse(request, body, (error, value) => {
      if (!error) {
        const where = SURROGATE_ESCAPE.test(body) ? illFormedText(value, 'body') : undefined;
        if (where) return done(new CollectorError(400, 'INVALID_JSON', `${where} is not well-formed Unicode (a lone surrogate escape such as \\ud800)`));
        return done(null, value);
      }
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
