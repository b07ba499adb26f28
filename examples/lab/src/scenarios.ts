import { audioLossWithin, bothReported, candidateTypes, p50Within, relayLossWithin, relayProtocol } from './checks.js';
import { CLEAN_PATH, symmetric } from './impairment.js';
import type { Scenario } from './scenario.js';

/**
 * The relay forwards like a NAT: each peer sees the other at a relay port,
 * and learns its own relay-side address from STUN answers, so the local end
 * of the pair shows as `prflx` (peer-reflexive) and the remote end as `host`.
 */
const THROUGH_RELAY = 'loopback via the relay (a NAT to each peer)';
const LOCAL_VIA_RELAY = ['prflx', 'host'];

/** Bandwidth cap of the `cap` scenario; the clean call's video runs at about 200 kbit/s. */
export const CAP_KBPS = 120;

/**
 * Every scenario of the lab. Tolerances were set from measured runs in
 * headless Chromium 156 on 127.0.0.1 (see examples/lab/README.md) and leave
 * room for the randomness of loss and the short test calls.
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'clean',
    description: 'No impairment: the relay only forwards.',
    path: CLEAN_PATH,
    defaultSeconds: 20,
    minSeconds: 10,
    checks: [
      p50Within('RTT, candidate pair', 'pc0', 'rtt_ms', '0 ms added', 0, 20, 'ms'),
      audioLossWithin('0 %', 0, 0.5),
      p50Within('video inbound bitrate', 'pc1', 'video_in_bitrate_kbps', 'no cap', 100, 5000, 'kbit/s'),
      candidateTypes('pc0', THROUGH_RELAY, LOCAL_VIA_RELAY, ['host']),
      candidateTypes('pc1', THROUGH_RELAY, LOCAL_VIA_RELAY, ['host']),
    ],
  },
  {
    name: 'loss5',
    description: '5% random packet loss each way.',
    path: symmetric({ loss: 0.05 }),
    defaultSeconds: 20,
    minSeconds: 12,
    checks: [
      relayLossWithin('forward', '5 %', 3, 7),
      audioLossWithin('5 % each way', 3, 8),
      p50Within('audio inbound packet loss', 'pc1', 'audio_in_packet_loss_pct', '5 % each way', 2, 10, '%'),
      p50Within('RTT, candidate pair', 'pc0', 'rtt_ms', '0 ms added', 0, 30, 'ms'),
    ],
  },
  {
    name: 'delay150',
    description: '150 ms one-way delay each way (300 ms round trip).',
    path: symmetric({ delayMs: 150 }),
    defaultSeconds: 20,
    minSeconds: 10,
    checks: [
      p50Within('RTT, candidate pair', 'pc0', 'rtt_ms', '300 ms (150 each way)', 295, 400, 'ms'),
      p50Within('RTT, candidate pair', 'pc1', 'rtt_ms', '300 ms (150 each way)', 295, 400, 'ms'),
      audioLossWithin('0 %', 0, 0.5),
    ],
  },
  {
    name: 'cap',
    description: `Bandwidth cap of ${CAP_KBPS} kbit/s from sender to receiver (token bucket, 200 ms queue); the clean video runs at ~200 kbit/s.`,
    path: { forward: { rateKbps: CAP_KBPS }, backward: {} },
    defaultSeconds: 20,
    minSeconds: 14,
    checks: [
      p50Within('video outbound bitrate', 'pc0', 'video_out_bitrate_kbps', `cap ${CAP_KBPS} kbit/s (audio + video)`, 20, CAP_KBPS, 'kbit/s'),
      p50Within('video inbound bitrate', 'pc1', 'video_in_bitrate_kbps', `cap ${CAP_KBPS} kbit/s (audio + video)`, 20, CAP_KBPS, 'kbit/s'),
    ],
  },
  {
    name: 'blackhole',
    description: 'Every packet dropped both ways from 3 s after connecting, until both peers fail.',
    path: CLEAN_PATH,
    afterConnect: { delaySeconds: 3, path: symmetric({ blackhole: true }) },
    defaultSeconds: 40,
    minSeconds: 30,
    checks: [
      bothReported('ice.connection.state', 'disconnected', 'all packets dropped'),
      bothReported('connection.state', 'failed', 'all packets dropped'),
    ],
  },
  {
    name: 'turn',
    description: "Relayed through a real coturn on 127.0.0.1 (long-term credentials), iceTransportPolicy 'relay'.",
    path: CLEAN_PATH,
    turn: true,
    defaultSeconds: 20,
    minSeconds: 10,
    checks: [
      candidateTypes('pc0', 'TURN relay both ends', ['relay'], ['relay']),
      candidateTypes('pc1', 'TURN relay both ends', ['relay'], ['relay']),
      relayProtocol('pc0', 'udp'),
      p50Within('RTT, candidate pair', 'pc0', 'rtt_ms', '0 ms added', 0, 30, 'ms'),
      audioLossWithin('0 %', 0, 0.5),
    ],
  },
];
