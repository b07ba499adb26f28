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
  {
    key: 'scalability_mode',
    description: 'SVC scalability mode of the outbound video (lower case, for example l3t3_key), where the browser reports one.',
    values: [
      'l1t1', 'l1t2', 'l1t3', 'l2t1', 'l2t2', 'l2t3', 'l3t1', 'l3t2', 'l3t3',
      'l2t1_key', 'l2t2_key', 'l2t3_key', 'l3t1_key', 'l3t2_key', 'l3t3_key',
      's2t1', 's2t2', 's2t3', 's3t1', 's3t2', 's3t3',
    ],
  },
  {
    key: 'noise_suppression',
    description: 'Whether noise suppression is on for the microphone track being sent (runbook 6).',
    values: ['on', 'off'],
  },
  {
    key: 'auto_gain_control',
    description: 'Whether automatic gain control is on for the microphone track being sent (runbook 6).',
    values: ['on', 'off'],
  },
] as const satisfies readonly SampleLabelDefinition[];
