import type { FastifyRequest } from 'fastify';
import type { AppOptions } from './app.js';

/**
 * How a logged request looks: method and path only. The query may carry an
 * ingest key, and the client's address is personal data, so neither is logged.
 */
function requestForLog(request: FastifyRequest): { method: string; url: string } {
  return { method: request.method, url: request.url.split('?')[0] ?? '' };
}

/**
 * How the collector logs when started from the command line: JSON lines on
 * stdout at `LOG_LEVEL` (default `info`); each request and response only
 * with `LOG_REQUESTS=1` (refused and failed requests are always logged).
 */
export function loggingFromEnv(env: Readonly<Record<string, string | undefined>>): Pick<AppOptions, 'logger' | 'logRequests'> {
  return {
    logger: { level: env.LOG_LEVEL ?? 'info', serializers: { req: requestForLog } },
    logRequests: env.LOG_REQUESTS === '1',
  };
}
