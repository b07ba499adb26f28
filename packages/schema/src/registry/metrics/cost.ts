import type { MetricDefinition } from '../types.js';
import { CLIENT, CLIENT_PATH, CLIENT_STREAM } from './attributes.js';

/** Bytes one simulcast layer (sendEncodings index) sent in the interval. */
function layerBytes<I extends 0 | 1 | 2>(index: I) {
  return {
    key: `layer${index}_bytes`,
    name: `webrtc.stream.layer${index}_sent`,
    unit: 'By',
    family: 'cost',
    scope: 'stream',
    streams: ['video_out'],
    aggregation: 'sum',
    instrument: 'counter',
    attributes: CLIENT_STREAM,
    description: `Bytes sent by simulcast layer ${index} (encodingIndex ${index}${index === 2 ? ' and above' : ''}) in the interval; only simulcast streams (with a rid) report it. Runbook entry 4.`,
  } as const;
}

/** Cost: what the traffic is, as the client sees it. */
export const COST_METRICS = [
  {
    key: 'bytes_sent',
    name: 'webrtc.transport.sent',
    unit: 'By',
    family: 'cost',
    scope: 'connection',
    instrument: 'counter',
    attributes: CLIENT_PATH,
    description: 'Bytes sent on the peer connection\'s transports in the interval (including headers and RTCP).',
  },
  {
    key: 'bytes_received',
    name: 'webrtc.transport.received',
    unit: 'By',
    family: 'cost',
    scope: 'connection',
    instrument: 'counter',
    attributes: CLIENT_PATH,
    description: 'Bytes received on the peer connection\'s transports in the interval.',
  },
  {
    key: 'packets',
    name: 'webrtc.stream.packets',
    unit: '{packet}',
    family: 'cost',
    scope: 'stream',
    streams: ['audio_in', 'video_in', 'audio_out', 'video_out'],
    aggregation: 'sum',
    instrument: 'counter',
    attributes: CLIENT_STREAM,
    description: 'RTP packets received (inbound) or sent (outbound) in the interval.',
  },
  {
    key: 'relayed_bytes',
    name: 'webrtc.transport.relayed',
    unit: 'By',
    family: 'cost',
    scope: 'connection',
    instrument: 'counter',
    attributes: [...CLIENT_PATH, 'relay.protocol'],
    description: 'Bytes sent plus received in the interval through our TURN relay (the selected pair\'s local candidate is a relay); relay_protocol says how.',
  },
  {
    key: 'turn_allocations',
    name: 'webrtc.transport.turn_allocations',
    unit: '{allocation}',
    family: 'cost',
    scope: 'connection',
    instrument: 'histogram',
    buckets: [0.5, 1, 2, 3, 4, 6, 8],
    attributes: CLIENT,
    description:
      'TURN allocations the peer connection holds: its local relay candidates (one per allocation; one per network interface and TURN server URL), whether or not the selected pair uses one. Summed over live connections it is what the TURN servers should hold. Runbook entry 10.',
  },
  layerBytes(0),
  layerBytes(1),
  layerBytes(2),
  {
    key: 'participant_minutes',
    name: 'webrtc.participant.time',
    unit: 'min',
    family: 'cost',
    scope: 'session',
    instrument: 'counter',
    attributes: CLIENT,
    description:
      'Participant minutes, accrued as calls go: each batch adds the time its samples cover (the longest of its connections\' summed intervals), so a rate over a window shorter than a call stays right. Divide by the batch sampleRate to scale up.',
  },
] as const satisfies readonly MetricDefinition[];
