import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

/** Content types of the files the demo serves; anything else is sent as bytes. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Options of {@link staticDirPlugin}. */
export interface StaticDirOptions {
  /** Directory to serve; it may not exist yet (then everything is 404). */
  root: string;
  /** URL prefix with both slashes, for example `/demo/`. */
  urlPrefix: string;
  /**
   * Let pages on any origin load the files (`Access-Control-Allow-Origin: *`, no credentials): the SDK bundle, which
   * an app's page imports as a module from the collector's origin, and a module from another origin needs CORS.
   */
  anyOrigin?: boolean;
}

/**
 * The file under `root` a request path names, or `undefined` when the path
 * would leave `root` (`..`, absolute paths, NUL bytes). A trailing slash
 * names the directory's `index.html`.
 */
export function resolveInside(root: string, requestPath: string): string | undefined {
  if (requestPath.includes('\0') || requestPath.split(/[\\/]/).includes('..')) return undefined;
  const wanted = requestPath === '' || requestPath.endsWith('/') ? join(requestPath, 'index.html') : requestPath;
  const base = resolve(root);
  const target = resolve(base, `.${wanted.startsWith('/') ? '' : '/'}${wanted}`);
  const inside = relative(base, target);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? undefined : target;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * A tiny static file handler for the demo page and the SDK bundle: GET and
 * HEAD only, no directory listings, `no-cache` so a rebuilt bundle is
 * picked up on reload. `/prefix` redirects to `/prefix/`.
 */
export const staticDirPlugin: FastifyPluginAsync<StaticDirOptions> = async (fastify, options) => {
  const prefix = options.urlPrefix;
  fastify.get(prefix.slice(0, -1), async (_request, reply) => reply.redirect(prefix, 301));
  fastify.get<{ Params: { '*': string } }>(`${prefix}*`, async (request, reply) => {
    const file = resolveInside(options.root, request.params['*']);
    if (!file || !(await isFile(file))) return reply.callNotFound();
    if (options.anyOrigin) reply.header('access-control-allow-origin', '*');
    return reply
      .type(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(createReadStream(file));
  });
};
