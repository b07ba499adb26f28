import type { MetricDefinition } from '../types.js';
import { CLIENT_PATH, CLIENT_STREAM } from './attributes.js';

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
] as const satisfies readonly MetricDefinition[];
