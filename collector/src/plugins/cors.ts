import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { KEY_HEADER, keyFromHeaders, keyFromQuery } from '../auth/credentials.js';
import { isOriginAllowed, parseOrigin } from '../auth/origins.js';
import type { TenantRegistry } from '../auth/tenants.js';

/** How long browsers may cache a preflight answer, in seconds. */
export const PREFLIGHT_MAX_AGE_S = 600;

/** The one route browsers may call cross-origin. */
export const BROWSER_ROUTE = '/v1/reports';

const ALLOWED_METHODS = 'POST';
/** Request headers a browser may send beyond the CORS-safelisted ones. */
const ALLOWED_HEADERS = ['content-type', 'content-encoding', KEY_HEADER];

/**
 * CORS headers for an allowed origin: that origin (never `*`, never
 * credentials), `Vary: Origin` so caches keep answers per origin, and
 * `Retry-After` exposed so the SDK can honour it on 429 and 503.
 */
export function allowOriginHeaders(reply: FastifyReply, origin: string): void {
  reply
    .header('access-control-allow-origin', origin)
    .header('access-control-expose-headers', 'Retry-After')
    .header('vary', 'Origin');
}

/**
 * Make the answer of the browser ingest route readable by the page that sent
 * it, whatever that answer is: the request's `Origin` (when it is a
 * well-formed origin) is reflected with {@link allowOriginHeaders}, and
 * `Vary: Origin` is always set. Called first on `POST /v1/reports`, before
 * the key is looked up, so that refusals (401 no or unknown key, 403 origin
 * off the key's allow-list or a body for another key, 413, 415, 400, 429,
 * 503) reach the SDK as statuses rather than as network errors: it stops on
 * 401/403 and honours `Retry-After` on 429/503 instead of retrying blind.
 *
 * Why this is safe: a refusal's body is a fixed error message (it names at
 * most the page's own origin) and carries no tenant data, so letting any
 * origin read it discloses nothing; no credentials are allowed, and `*` is
 * never sent. What is written stays bound to the key's allow-list: an
 * origin off it is still refused with 403 before the body is read, and
 * nothing is stored, so the only 2xx a page can read is for an origin the
 * key allows. Preflights keep refusing such origins (a failed preflight is
 * a network error whatever its headers); the SDK sends simple requests.
 * Read and server routes never get these headers; a 404 for a path that is
 * no route does (see `errors.ts`): its body names only that path.
 */
export function exposeIngestAnswer(reply: FastifyReply, origin: string | undefined): void {
  reply.header('vary', 'Origin');
  if (typeof origin === 'string' && parseOrigin(origin) !== undefined) allowOriginHeaders(reply, origin);
}

function allowedForRequest(tenants: TenantRegistry, request: FastifyRequest, origin: string): boolean {
  const key = keyFromQuery(request.query) ?? keyFromHeaders(request.headers);
  const grant = key === undefined ? undefined : tenants.publicKey(key);
  return grant !== undefined && isOriginAllowed(grant.origins, origin, request.headers.host);
}

/**
 * Preflights. Only `POST /v1/reports` may be called cross-origin, and only
 * from an origin on the allow-list of the public key in the URL
 * (`?key=`): the preflight is sent to the same URL, query included. An
 * allowed preflight gets 204 with the CORS headers; any other gets 403
 * without them, so the browser never sends the request. Simple requests
 * (no preflight) are checked in the ingest guard before their body is read.
 */
export const corsPlugin = fp(
  async (fastify) => {
    fastify.options('*', async (request, reply) => {
      const origin = request.headers.origin;
      const path = request.url.split('?')[0];
      reply.header('vary', 'Origin');
      if (typeof origin !== 'string' || path !== BROWSER_ROUTE) {
        return reply.code(403).send({ error: 'Forbidden', message: `cross-origin requests are accepted on ${BROWSER_ROUTE} only` });
      }
      const tenants: TenantRegistry = fastify.tenants;
      if (!allowedForRequest(tenants, request, origin)) {
        return reply
          .code(403)
          .send({ error: 'Forbidden', message: `origin ${origin} is not allowed for this ingest key (send the key as ?key=)` });
      }
      allowOriginHeaders(reply, origin);
      return reply
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS.join(', '))
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
        .code(204)
        .send();
    });
  },
  { name: 'rtcpulse-cors' },
);
