/**
 * A store whose ClickHouse can be taken away and brought back, for the
 * "ClickHouse unavailable" fault.
 *
 * - Embedded (chdb): there is no separate server to stop, so going down
 *   closes the real chdb session under the collector: every insert, read and
 *   readiness check then fails the way a dead connection does. Coming back
 *   opens a new session on the same data directory (no migrations are re-run
 *   by the collector; the session summaries it held in memory are gone, as
 *   after a real reconnect to a restarted server).
 * - Server (`CLICKHOUSE_URL`): the collector talks to the server through a
 *   TCP proxy on 127.0.0.1; going down closes the proxy's listener and cuts
 *   every open connection (connections are refused), coming back listens
 *   on the same port again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { StoreConfig } from '../src/store/config.js';
import { createStore, type Store } from '../src/store/store.js';

/** A {@link Store} with a switch. */
export interface OutageStore extends Store {
  readonly down: boolean;
  takeDown(): Promise<void>;
  bringBack(): Promise<void>;
}

function delegate(current: () => Store, controls: Pick<OutageStore, 'down' | 'takeDown' | 'bringBack'>): OutageStore {
  return {
    get kind() {
      return current().kind;
    },
    get client() {
      return current().client;
    },
    get migrated() {
      return current().migrated;
    },
    get cachedSessions() {
      return current().cachedSessions;
    },
    get down() {
      return controls.down;
    },
    migrate: () => current().migrate(),
    isReady: (timeoutMs) => current().isReady(timeoutMs),
    writeRecord: (record) => current().writeRecord(record),
    insertRows: (table, rows, token) => current().insertRows(table, rows, token),
    maxRecordSeq: () => current().maxRecordSeq(),
    sessionSamples: (query) => current().sessionSamples(query),
    close: () => current().close(),
    takeDown: () => controls.takeDown(),
    bringBack: () => controls.bringBack(),
  };
}

/** A store that `stop` takes down and `start` brings back; `down` in between. */
function switchable(current: () => Store, stop: () => Promise<void>, start: () => Promise<void>): OutageStore {
  let down = false;
  return delegate(current, {
    get down() {
      return down;
    },
    async takeDown() {
      down = true;
      await stop();
    },
    async bringBack() {
      await start();
      down = false;
    },
  });
}

function embeddedOutage(config: StoreConfig): OutageStore {
  let store = createStore(config);
  return switchable(
    () => store,
    () => store.close(),
    async () => {
      store = createStore(config);
      await store.migrate();
    },
  );
}

/** A TCP proxy on 127.0.0.1 that can refuse and cut connections. */
export interface SwitchableProxy {
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Start a proxy to `target` (`host:port`). */
export async function startProxy(targetHost: string, targetPort: number): Promise<SwitchableProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server?.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    start: listen,
  };
}

/**
 * Open an {@link OutageStore} for `config`; for a server, `proxy` must sit in
 * front of it (see {@link startProxy}) and `config.url` point at the proxy.
 */
export function openOutageStore(config: StoreConfig, proxy?: SwitchableProxy): OutageStore {
  if (config.kind === 'embedded') return embeddedOutage(config);
  if (!proxy) throw new Error('a server store needs the proxy in front of it');
  const store = createStore(config);
  return switchable(
    () => store,
    () => proxy.stop(),
    () => proxy.start(),
  );
}
