import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { symmetric } from '../src/impairment.js';
import { RelayProcess } from '../src/relay-process.js';
import { UdpImpairmentRelay } from '../src/udp-relay.js';

/** Two UDP "peers" on 127.0.0.1 connected through the relay, each knowing only the other's relay port. */
async function peersThrough(relay: Pick<UdpImpairmentRelay, 'addEndpoint'>) {
  const bind = async (): Promise<Socket> => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return socket;
  };
  const sender = await bind();
  const receiver = await bind();
  const receiverVia = await relay.addEndpoint('receiver', receiver.address().port);
  const senderVia = await relay.addEndpoint('sender', sender.address().port);
  const arrivals: Array<{ at: number; from: number; text: string }> = [];
  receiver.on('message', (message, from) => arrivals.push({ at: performance.now(), from: from.port, text: message.toString() }));
  return {
    senderVia,
    arrivals,
    send(text: string | Buffer) {
      sender.send(text, receiverVia, '127.0.0.1');
    },
    /** Sends `count` packets, 10 per millisecond, so the kernel's socket buffers never overflow. */
    async sendPaced(count: number, payload: string | Buffer) {
      for (let i = 0; i < count; i++) {
        sender.send(payload, receiverVia, '127.0.0.1');
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    close() {
      sender.close();
      receiver.close();
    },
  };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the UDP impairment relay', () => {
  let relay: UdpImpairmentRelay | undefined;
  let peers: Awaited<ReturnType<typeof peersThrough>> | undefined;
  afterEach(async () => {
    peers?.close();
    await relay?.close();
  });

  it('forwards from the port that stands for the sender, so the receiver sees a consistent address', async () => {
    relay = new UdpImpairmentRelay();
    peers = await peersThrough(relay);
    for (let i = 0; i < 20; i++) peers.send(`p${i}`);
    await settle(100);
    expect(peers.arrivals.map((a) => a.text)).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`));
    expect(new Set(peers.arrivals.map((a) => a.from))).toEqual(new Set([peers.senderVia]));
    expect(relay.packetCounts.forward).toMatchObject({ received: 20, forwarded: 20 });
  });

  it('drops the configured share of packets at random', async () => {
    let seed = 1;
    relay = new UdpImpairmentRelay(symmetric({ loss: 0.2 }), () => ((seed = (seed * 16807) % 2147483647) / 2147483647));
    peers = await peersThrough(relay);
    await peers.sendPaced(500, 'x');
    await settle(200);
    const { droppedLoss, forwarded } = relay.packetCounts.forward;
    expect(droppedLoss + forwarded).toBe(500);
    expect(droppedLoss / 500).toBeGreaterThan(0.15);
    expect(droppedLoss / 500).toBeLessThan(0.25);
    expect(peers.arrivals.length).toBe(forwarded);
  });

  it('delays every packet by at least the configured one-way delay', async () => {
    relay = new UdpImpairmentRelay(symmetric({ delayMs: 80 }));
    peers = await peersThrough(relay);
    const sentAt = performance.now();
    peers.send('late');
    await settle(250);
    expect(peers.arrivals).toHaveLength(1);
    expect((peers.arrivals[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(79);
  });

  it('holds a bandwidth cap: what exceeds rate and queue is dropped', async () => {
    relay = new UdpImpairmentRelay({ forward: { rateKbps: 80, queueMs: 100 }, backward: {} });
    peers = await peersThrough(relay);
    const started = performance.now();
    await peers.sendPaced(100, Buffer.alloc(1000));
    await settle(300);
    const seconds = (performance.now() - started) / 1000;
    const counts = relay.packetCounts.forward;
    // 80 kbit/s = 10 kB/s: the burst (1.5 kB) plus a 100 ms queue (1 kB) plus the rate over the test pass; the rest is dropped.
    expect(counts.received).toBe(100);
    expect(counts.forwarded).toBeLessThanOrEqual(Math.ceil(3 + 10 * seconds));
    expect(counts.droppedQueue).toBeGreaterThanOrEqual(100 - Math.ceil(3 + 10 * seconds));
    expect(counts.forwarded + counts.droppedQueue).toBeGreaterThanOrEqual(99);
  });

  it('blackholes everything when told to, after having forwarded', async () => {
    relay = new UdpImpairmentRelay();
    peers = await peersThrough(relay);
    peers.send('before');
    await settle(50);
    relay.setImpairment(symmetric({ blackhole: true }));
    for (let i = 0; i < 10; i++) peers.send('after');
    await settle(50);
    expect(peers.arrivals.map((a) => a.text)).toEqual(['before']);
    expect(relay.packetCounts.forward.droppedBlackhole).toBe(10);
  });
});

describe('the relay in a process of its own (what the lab scenarios use)', () => {
  it('forwards, changes impairment on request, counts, and ends its process on close', async () => {
    const relay = await RelayProcess.start(symmetric({}));
    const peers = await peersThrough(relay);
    try {
      for (let i = 0; i < 5; i++) peers.send(`p${i}`);
      await settle(200);
      expect(peers.arrivals.map((a) => a.text)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      expect(new Set(peers.arrivals.map((a) => a.from))).toEqual(new Set([peers.senderVia]));
      await relay.setImpairment(symmetric({ blackhole: true }));
      for (let i = 0; i < 3; i++) peers.send('after');
      await settle(200);
      expect(peers.arrivals).toHaveLength(5);
      expect(await relay.packetCounts()).toMatchObject({ forward: { received: 8, forwarded: 5, droppedBlackhole: 3 } });
    } finally {
      peers.close();
      await relay.close();
    }
    await expect(relay.packetCounts()).rejects.toThrow(/exited/);
  });
});
