import type { StatsSnapshot } from '@rtcpulse/sdk/extract';

/** Stats types of the W3C webrtc-stats specification (current and retired), as promise-based getStats() returns them. */
export const STANDARD_STATS_TYPES: ReadonlySet<string> = new Set([
  'codec',
  'inbound-rtp',
  'outbound-rtp',
  'remote-inbound-rtp',
  'remote-outbound-rtp',
  'media-source',
  'media-playout',
  'csrc',
  'peer-connection',
  'data-channel',
  'stream',
  'track',
  'sender',
  'receiver',
  'transceiver',
  'transport',
  'sctp-transport',
  'candidate-pair',
  'local-candidate',
  'remote-candidate',
  'certificate',
  'ice-server',
]);

/** Chrome's legacy callback getStats() types (`googCandidatePair`, `ssrc`, `VideoBwe`, …), which the SDK cannot read. */
export function isLegacyStatsType(type: string): boolean {
  return type.startsWith('goog') || type === 'ssrc' || type === 'VideoBwe' || type === 'localcandidate' || type === 'remotecandidate';
}

/** How a snapshot's stats types split into standard, legacy and unknown ones. */
export interface SnapshotKinds {
  standard: number;
  legacy: number;
  unknownTypes: string[];
}

/** Classifies every entry of a snapshot by its stats type. */
export function classifySnapshot(snapshot: StatsSnapshot): SnapshotKinds {
  const kinds: SnapshotKinds = { standard: 0, legacy: 0, unknownTypes: [] };
  for (const entry of snapshot.values()) {
    if (STANDARD_STATS_TYPES.has(entry.type)) kinds.standard++;
    else if (isLegacyStatsType(entry.type)) kinds.legacy++;
    else kinds.unknownTypes.push(entry.type);
  }
  return kinds;
}
