/**
 * Entry point of the relay's own process (see relay-process.ts): one
 * {@link UdpImpairmentRelay} driven by IPC messages from the lab, so its
 * packet forwarding and delay timers keep their own event loop and are not
 * held up by the collector, ClickHouse or the browser driver in the parent.
 */
import { CLEAN_PATH } from './impairment.js';
import type { RelayRequest, RelayResponse } from './relay-protocol.js';
import { UdpImpairmentRelay } from './udp-relay.js';

const relay = new UdpImpairmentRelay(CLEAN_PATH);

function answer(response: RelayResponse): void {
  process.send?.(response);
}

async function handle(request: RelayRequest): Promise<void> {
  try {
    switch (request.op) {
      case 'addEndpoint':
        answer({ id: request.id, ok: true, relayPort: await relay.addEndpoint(request.side, request.peerPort) });
        return;
      case 'setImpairment':
        relay.setImpairment(request.path);
        answer({ id: request.id, ok: true });
        return;
      case 'packetCounts':
        answer({ id: request.id, ok: true, counts: relay.packetCounts });
        return;
      case 'close':
        await relay.close();
        answer({ id: request.id, ok: true });
        process.disconnect?.();
        return;
    }
  } catch (error) {
    answer({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}

process.on('message', (message) => void handle(message as RelayRequest));
// The parent went away without closing us: don't linger.
process.on('disconnect', () => {
  void relay.close().finally(() => process.exit(0));
});
