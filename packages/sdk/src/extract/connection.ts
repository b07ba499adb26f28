import type { Sample } from '@rtcpulse/schema';
import { labelValue } from './registry-rules.js';
import type { StatsEntry, StatsSnapshot } from './snapshot.js';
import { counterDelta, entriesOfType, entryOfType, num, str, type Interval } from './stats-fields.js';
import { mediaKind } from './stream-contribution.js';

/** The selected path: the transport that selected the pair (when one did) and the candidate pair in use. */
export type SelectedPath = [transport: StatsEntry | undefined, pair: StatsEntry | undefined];

/**
 * The selected path: the first transport whose `selectedCandidatePairId`
 * names a pair of the snapshot (Chrome, Safari), else no transport and a
 * pair flagged `selected: true` (Firefox, which may have no transport
 * stats), else a nominated pair in state `succeeded`.
 */
export const selectedPath = (snapshot: StatsSnapshot): SelectedPath => {
  for (const transport of entriesOfType(snapshot, 'transport')) {
    const pair = entryOfType(snapshot, str(transport, 'selectedCandidatePairId'), 'candidate-pair');
    if (pair) return [transport, pair];
  }
  const pairs = entriesOfType(snapshot, 'candidate-pair');
  return [undefined, pairs.find((p) => p['selected'] === true) ?? pairs.find((p) => p['nominated'] === true && p['state'] == 'succeeded')];
};

/** The candidate pair in use (see {@link selectedPath}). */
export const selectedCandidatePair = (snapshot: StatsSnapshot): StatsEntry | undefined => selectedPath(snapshot)[1];

/**
 * The report's own timestamp (ms since the epoch): the selected transport's or
 * candidate pair's, else the newest entry's; 0 for an empty report.
 */
export const reportTimestamp = (snapshot: StatsSnapshot, path: SelectedPath = selectedPath(snapshot)): number => {
  const anchor = path[0] ?? path[1];
  if (anchor && anchor.timestamp > 0) return anchor.timestamp;
  let newest = 0;
  for (const entry of snapshot.values()) newest = Math.max(newest, entry.timestamp);
  return newest;
};

/** Sum of a counter's deltas over several entries; undefined when none has one. */
const summedDelta = (interval: Interval, entries: readonly StatsEntry[], field: string): number | undefined => {
  let total: number | undefined;
  for (const entry of entries) {
    const delta = counterDelta(interval, entry, field);
    if (delta !== undefined) total = (total ?? 0) + delta;
  }
  return total;
};

/**
 * Round-trip time in ms: the pair's current value, else the mean over the
 * interval's STUN responses, else (Firefox has no pair RTT) the smallest RTCP
 * round-trip time of the media (`remote-inbound-rtp`).
 */
const rttMs = (interval: Interval, pair: StatsEntry | undefined): number | undefined => {
  const current = num(pair, 'currentRoundTripTime');
  const total = counterDelta(interval, pair, 'totalRoundTripTime');
  const responses = counterDelta(interval, pair, 'responsesReceived');
  let seconds = current! >= 0 ? current : total !== undefined && responses ? total / responses : undefined;
  if (seconds === undefined) {
    for (const remote of entriesOfType(interval.current, 'remote-inbound-rtp')) {
      const rtt = num(remote, 'roundTripTime');
      if (rtt && (seconds === undefined || rtt < seconds)) seconds = rtt;
    }
  }
  return seconds && seconds * 1000;
};

/**
 * How far apart the inbound audio and video play out (runbook entry 7):
 * |video − audio| `estimatedPlayoutTimestamp`, when the connection receives
 * exactly one of each (with several senders the pairing is unknown).
 */
const avSyncMs = (snapshot: StatsSnapshot): number | undefined => {
  const playout: Partial<Record<string, number[]>> = {};
  for (const entry of entriesOfType(snapshot, 'inbound-rtp')) {
    const ts = num(entry, 'estimatedPlayoutTimestamp');
    const kind = mediaKind(entry);
    if (ts && kind) (playout[kind] ??= []).push(ts);
  }
  const { audio, video } = playout;
  return audio?.length === 1 && video?.length === 1 ? Math.abs(video[0]! - audio[0]!) : undefined;
};

/**
 * Connection-level values: RTT, send bandwidth estimate, A/V playout offset,
 * transport bytes over the interval, what of them went through our TURN
 * relay, and the TURN allocations held.
 */
export const connectionValues = (interval: Interval, pair: StatsEntry | undefined, relayed: boolean): Sample['conn'] => {
  const available = num(pair, 'availableOutgoingBitrate');
  const transports = entriesOfType(interval.current, 'transport').filter((t) => num(t, 'bytesSent') !== undefined);
  const byteSources = transports.length ? transports : pair ? [pair] : [];
  const sent = relayed ? counterDelta(interval, pair, 'bytesSent') : undefined;
  const received = relayed ? counterDelta(interval, pair, 'bytesReceived') : undefined;
  return {
    rtt_ms: rttMs(interval, pair),
    available_outgoing_bitrate_kbps: available && available / 1000,
    av_sync_ms: avSyncMs(interval.current),
    bytes_sent: summedDelta(interval, byteSources, 'bytesSent'),
    bytes_received: summedDelta(interval, byteSources, 'bytesReceived'),
    relayed_bytes: sent === undefined && received === undefined ? undefined : (sent ?? 0) + (received ?? 0),
    // Runbook entry 10: each local relay candidate is one TURN allocation this connection holds.
    turn_allocations: entriesOfType(interval.current, 'local-candidate').filter((c) => c.candidateType == 'relay').length,
  };
};

/**
 * Relay protocol of a relay candidate: `relayProtocol` where the browser has
 * it, else inferred from the TURN URL scheme and transport (Safari). Only the
 * protocol token leaves this function, never the URL.
 */
const relayProtocol = (candidate: StatsEntry): string | undefined => {
  const url = str(candidate, 'url')?.toLowerCase() ?? '';
  return (
    str(candidate, 'relayProtocol') ??
    (url.startsWith('turns:') ? 'tls' : url.startsWith('turn:') ? (/[?&]transport=tcp\b/.test(url) ? 'tcp' : 'udp') : undefined)
  );
};

/**
 * Labels of the selected path. Only candidate types, protocol and network
 * type are read: addresses, ports and URLs are never copied.
 */
export const pathLabels = (snapshot: StatsSnapshot, pair: StatsEntry | undefined): Sample['labels'] => {
  const local = entryOfType(snapshot, str(pair, 'localCandidateId'), 'local-candidate');
  const remote = entryOfType(snapshot, str(pair, 'remoteCandidateId'), 'remote-candidate');
  const localType = labelValue('local_candidate_type', str(local, 'candidateType'));
  return {
    local_candidate_type: localType,
    remote_candidate_type: labelValue('remote_candidate_type', str(remote, 'candidateType')),
    relay_protocol: local && localType == 'relay' ? labelValue('relay_protocol', relayProtocol(local)) : undefined,
    network_type: labelValue('network_type', str(local, 'networkType')),
  };
};
