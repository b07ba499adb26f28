import type { AppOptions } from './app.js';

/**
 * How the collector logs when started from the command line: JSON lines on
 * stdout at `LOG_LEVEL` (default `info`); each request and response only
 * with `LOG_REQUESTS=1` (refused and failed requests are always logged).
 */
export function loggingFromEnv(env: Readonly<Record<string, string | undefined>>): Pick<AppOptions, 'logger' | 'logRequests'> {
  return { logger: { level: env.LOG_LEVEL ?? 'info' }, logRequests: env.LOG_REQUESTS === '1' };
}
