import type { TurnReport } from '@rtcpulse/schema';
import { createClient } from 'redis';
import { AllocationTracker, COTURN_ALLOCATION_PATTERN, parseCoturnMessage } from './allocations.js';
import { createTurnFlusher } from './turn-flush.js';

/** Most status keys read at start-up. */
const MAX_SEED_KEYS = 100_000;

/** Options of {@link createCoturnAdapter}. */
export interface CoturnAdapterOptions {
  /** coturn's `--redis-statsdb` as a URL, for example `redis://127.0.0.1:6379/0`. */
  readonly redisUrl: string;
  /** This TURN server's id in reports. */
  readonly nodeId: string;
  readonly region?: string;
  /** How often to report, in ms (default 10 000). */
  readonly intervalMs?: number;
  /** Delivers a report (for example `(r) => reportTurn(config, r)`); a rejected report is sent again, unchanged, at the next flush. */
  readonly send: (report: TurnReport) => Promise<unknown>;
  /** Called with errors the adapter survives (a failed report, a Redis reconnect). */
  readonly onError?: (error: unknown) => void;
}

/** A running coturn adapter. */
export interface CoturnAdapter {
  /** Allocations alive now, as the adapter sees them. */
  activeAllocations(): number;
  /** Build and send a report now (the timer does this every interval). */
  flush(): Promise<TurnReport>;
  /** Send a last report and disconnect. */
  stop(): Promise<void>;
}

/**
 * Follow coturn's Redis statistics (`turnserver --redis-statsdb`) and report
 * active allocations and relayed bytes to the collector every interval.
 * Allocations already alive at start are read from their status keys; after
 * that, status and traffic messages arrive by `PSUBSCRIBE`.
 */
export async function createCoturnAdapter(options: CoturnAdapterOptions): Promise<CoturnAdapter> {
  const intervalMs = options.intervalMs ?? 10_000;
  const onError = options.onError ?? (() => undefined);
  const tracker = new AllocationTracker();
  const subscriber = createClient({ url: options.redisUrl });
  const reader = subscriber.duplicate();
  subscriber.on('error', onError);
  reader.on('error', onError);
  await subscriber.connect();
  await reader.connect();

  await subscriber.pSubscribe(COTURN_ALLOCATION_PATTERN, (message, channel) => {
    const parsed = parseCoturnMessage(channel, message);
    if (parsed) tracker.apply(parsed);
  });

  let seen = 0;
  for await (const keys of reader.scanIterator({ MATCH: `${COTURN_ALLOCATION_PATTERN}/status`, COUNT: 500 })) {
    for (const key of keys) {
      const ttlMs = await reader.pTTL(key);
      const parsed = parseCoturnMessage(key, 'new');
      if (parsed && ttlMs > 0) tracker.track(parsed.allocation, Date.now() + ttlMs);
    }
    seen += keys.length;
    if (seen >= MAX_SEED_KEYS) break;
  }

  let inFlight: Promise<TurnReport> | undefined;
  const flushOnce = createTurnFlusher(tracker, { nodeId: options.nodeId, ...(options.region ? { region: options.region } : {}), send: options.send, onError });
  const flush = (): Promise<TurnReport> => {
    const run = (inFlight ?? Promise.resolve()).then(flushOnce, flushOnce);
    inFlight = run;
    return run;
  };

  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();

  return {
    activeAllocations: () => tracker.active(),
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
      await subscriber.pUnsubscribe(COTURN_ALLOCATION_PATTERN);
      await Promise.allSettled([subscriber.quit(), reader.quit()]);
    },
  };
}
