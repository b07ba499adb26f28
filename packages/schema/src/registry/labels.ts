import type { SampleLabelDefinition } from './types.js';

/** Categorical per-sample values, stored as LowCardinality string columns. */
export const SAMPLE_LABELS = [
  {
    key: 'local_candidate_type',
    description: 'Candidate type of the local end of the selected ICE candidate pair.',
    values: ['host', 'srflx', 'prflx', 'relay'],
  },
  {
    key: 'remote_candidate_type',
    description: 'Candidate type of the remote end of the selected ICE candidate pair.',
    values: ['host', 'srflx', 'prflx', 'relay'],
  },
  {
    key: 'relay_protocol',
    description: 'Protocol between the browser and the TURN server when the local candidate is a relay.',
    values: ['udp', 'tcp', 'tls'],
  },
  {
    key: 'network_type',
    description: 'Network type of the local candidate where the browser exposes it (wifi, cellular, ...).',
    values: ['ethernet', 'wifi', 'cellular', 'vpn', 'wimax', 'bluetooth', 'unknown'],
  },
  {
    key: 'quality_limitation_reason',
    description: 'Why the video encoder reduced quality at the end of the interval.',
    values: ['none', 'cpu', 'bandwidth', 'other'],
  },
] as const satisfies readonly SampleLabelDefinition[];
