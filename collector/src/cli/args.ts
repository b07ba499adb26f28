import { parseArgs } from 'node:util';
import { parseDecimal } from '@rtcpulse/schema';

/** Port the collector listens on unless told otherwise. */
export const DEFAULT_PORT = 4318;
/** Loopback only unless told otherwise: exposing the collector is a decision. */
export const DEFAULT_HOST = '127.0.0.1';

/** What `server.ts` was asked to do. */
export interface ServerArgs {
  port: number;
  host: string;
  /** Embedded store directory; absent means the default. */
  dataDir?: string;
  /** Also serve the demo page and the SDK bundle. */
  demo: boolean;
  /** ClickHouse cluster to create the tables on (`ON CLUSTER`, Replicated + Distributed). */
  cluster?: string;
  /** Tenants and keys JSON file (else `RTCPULSE_TENANTS_FILE`, else the demo tenant). */
  tenantsFile?: string;
}

function parsePort(text: string): number {
  const port = parseDecimal(text.trim());
  if (port === undefined || !Number.isInteger(port) || port < 0 || port > 65_535 || Object.is(port, -0)) {
    throw new Error(`invalid port: ${JSON.stringify(text)} (a whole number from 0 to 65535)`);
  }
  return port;
}

/**
 * Read `[--port N] [--host H] [--data-dir DIR] [--demo] [--cluster NAME] [--tenants-file FILE]`, falling back to
 * `PORT` and `HOST` from the environment, then to the defaults. Throws on
 * unknown options and bad ports.
 */
export function parseServerArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ServerArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      cluster: { type: 'string' },
      'tenants-file': { type: 'string' },
      demo: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const dataDir = values['data-dir'];
  return {
    port: parsePort(values.port ?? (env.PORT || String(DEFAULT_PORT))),
    host: values.host ?? env.HOST ?? DEFAULT_HOST,
    ...(dataDir ? { dataDir } : {}),
    demo: values.demo ?? false,
    ...(values.cluster ? { cluster: values.cluster } : {}),
    ...(values['tenants-file'] ? { tenantsFile: values['tenants-file'] } : {}),
  };
}
