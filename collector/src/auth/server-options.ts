import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';

/** Connection and request time limits, in milliseconds. */
export interface TimeoutOptions {
  /** All request headers must arrive within this (slowloris). Default 10 s. */
  readonly headersMs?: number;
  /** A whole request, body included, must arrive within this. Default 30 s. */
  readonly requestMs?: number;
  /** An idle socket is closed after this. Default 60 s. */
  readonly idleMs?: number;
  /** Keep-alive sockets wait this long for the next request. Default 5 s. */
  readonly keepAliveMs?: number;
  /** How often Node checks the header and request deadlines. Default 1 s. */
  readonly checkIntervalMs?: number;
}

/** The defaults of {@link TimeoutOptions}. */
export const DEFAULT_TIMEOUTS: Required<TimeoutOptions> = {
  headersMs: 10_000,
  requestMs: 30_000,
  idleMs: 60_000,
  keepAliveMs: 5_000,
  checkIntervalMs: 1_000,
};

/**
 * Fastify constructor options that harden the server: header, request,
 * idle and keep-alive timeouts (a client dribbling bytes is cut off once
 * the header or request deadline passes, checked every `checkIntervalMs`),
 * and JSON bodies with `__proto__` or `constructor.prototype` keys refused
 * with 400. Spread into `Fastify({...})`.
 */
export function hardenedServerOptions(timeouts: TimeoutOptions = {}): FastifyHttpOptions<Server> {
  const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const headersMs = Math.min(t.headersMs, t.requestMs);
  return {
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    connectionTimeout: t.idleMs,
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    http: {
      headersTimeout: headersMs,
      requestTimeout: t.requestMs,
      connectionsCheckingInterval: t.checkIntervalMs,
    },
  };
}
