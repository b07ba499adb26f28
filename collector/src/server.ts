/**
 * Collector entry point: `tsx collector/src/server.ts [--port 4318]
 * [--host 127.0.0.1] [--data-dir DIR] [--demo]`. Listens, prints where, and
 * closes with grace on SIGINT/SIGTERM. Everything else lives in `app.ts`.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildApp, type CollectorApp } from './app.js';
import { securityFromEnv } from './auth/config.js';
import { demoTenantsWithReadKey } from './auth/tenants.js';
import { parseServerArgs } from './cli/args.js';
import { serverEventsConfigFromEnv } from './server-events/config.js';
import { loggingFromEnv } from './logging.js';
import { storeConfigFromEnv } from './store/config.js';
import { telemetryConfigFromEnv } from './telemetry/config.js';

/** How long in-flight requests get to finish after a signal. */
const SHUTDOWN_GRACE_MS = 10_000;

const repoPath = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * A repeat of the stop signal sooner than this after the first is the same
 * stop, not an operator's second one: Ctrl-C in a terminal and systemd's
 * `KillMode=control-group` signal the whole process group, and `npm start`
 * passes the signal on to the server as well, so one stop arrives twice
 * within a millisecond.
 */
const REPEAT_SIGNAL_MS = 1000;

function closeOnSignals(app: CollectorApp): void {
  let closingSince: number | undefined;
  const stopNow = (why: string): never => {
    app.ingest.warnIfSpooled(why);
    process.exit(1);
  };
  const close = (signal: NodeJS.Signals): void => {
    if (closingSince !== undefined) {
      // A later signal: stop waiting for the drain.
      if (Date.now() - closingSince >= REPEAT_SIGNAL_MS) stopNow(`stopped by a second ${signal} before the drain ended`);
      return;
    }
    closingSince = Date.now();
    app.log.info({ signal }, 'closing');
    setTimeout(() => stopNow(`stopped after ${SHUTDOWN_GRACE_MS / 1000} s of draining`), SHUTDOWN_GRACE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('rtcpulse collector: error while closing', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', close);
  process.on('SIGTERM', close);
}

async function main(): Promise<void> {
  const args = parseServerArgs(process.argv.slice(2), process.env);
  const store = storeConfigFromEnv(process.env, {
    ...(args.dataDir ? { dataDir: args.dataDir } : {}),
    ...(args.cluster ? { cluster: args.cluster } : {}),
  });
  const security = securityFromEnv(process.env, {
    ...(args.tenantsFile ? { tenantsFile: args.tenantsFile } : {}),
    store,
  });
  for (const note of security.notes) console.log(`rtcpulse collector: ${note}`);
  // The zero-config demo tenant gets a read key for this run only, so its data can be read back.
  const demoReadKey = security.options.tenants ? undefined : randomBytes(24).toString('base64url');
  const securityOptions = demoReadKey ? { ...security.options, tenants: demoTenantsWithReadKey(demoReadKey) } : security.options;
  const serverEvents = serverEventsConfigFromEnv(process.env);
  if (serverEvents.keys.length > 0) {
    console.log(`rtcpulse collector: server keys: ${serverEvents.keys.length} from RTCPULSE_SERVER_KEYS (scope events)`);
  }
  const telemetry = telemetryConfigFromEnv(process.env);
  console.log(
    telemetry.otlp
      ? `rtcpulse collector: OTLP metrics export to ${telemetry.otlp.url} every ${telemetry.otlp.intervalMs / 1000} s; /metrics too`
      : 'rtcpulse collector: OTLP metrics export off (set OTEL_EXPORTER_OTLP_ENDPOINT); /metrics only',
  );
  const app = await buildApp({
    security: securityOptions,
    serverEvents,
    telemetry,
    store,
    ...loggingFromEnv(process.env),
    ...(args.demo ? { demoDir: repoPath('examples/demo'), sdkDir: repoPath('packages/sdk/dist') } : {}),
  });
  closeOnSignals(app);
  await app.listen({ port: args.port, host: args.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : args.port;
  const base = `http://${args.host.includes(':') ? `[${args.host}]` : args.host}:${port}`;
  console.log(`rtcpulse collector listening on ${base}`);
  if (args.demo) console.log(`demo: ${base}/demo/`);
  if (demoReadKey) {
    console.log(`rtcpulse collector: demo tenant read key (this run only): ${demoReadKey}`);
    console.log(`  curl -H 'Authorization: Bearer ${demoReadKey}' '${base}/v1/alerts/evaluate?tenant=demo'`);
    console.log(`  a runbook page's confirm queries: ${base}/v1/runbook/<page, e.g. 01-turn-cold-start>/confirm?tenant=demo (same header)`);
    console.log(`  a session's stored samples: ${base}/v1/sessions/<session id, e.g. pulse.sessionId>/samples?tenant=demo (same header)`);
  }
}

main().catch((error: unknown) => {
  console.error('rtcpulse collector failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
