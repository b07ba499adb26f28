import type { Sample } from '@rtcpulse/schema';
import { labelValue } from './registry-rules.js';
import type { StatsEntry, StatsSnapshot } from './snapshot.js';
import { counterDelta, entriesOfType, entryOfType, num, str, type Interval } from './stats-fields.js';

/**
 * The candidate pair in use: the transport's `selectedCandidatePairId`
 * (Chrome, Safari), else a pair flagged `selected: true` (Firefox, which may
 * have no transport stats), else a nominated pair in state `succeeded`.
 */
export function selectedCandidatePair(snapshot: StatsSnapshot): StatsEntry | undefined {
  for (const transport of entriesOfType(snapshot, 'transport')) {
    const pair = entryOfType(snapshot, str(transport, 'selectedCandidatePairId'), 'candidate-pair');
    if (pair) return pair;
  }
  const pairs = entriesOfType(snapshot, 'candidate-pair');
  return (
    pairs.find((pair) => pair['selected'] === true) ??
    pairs.find((pair) => pair['nominated'] === true && pair['state'] === 'succeeded')
  );
}

/** The transport that owns the selected pair, when transport stats exist. */
function selectedTransport(snapshot: StatsSnapshot, pair: StatsEntry | undefined): StatsEntry | undefined {
  if (!pair) return undefined;
  return entriesOfType(snapshot, 'transport').find((t) => str(t, 'selectedCandidatePairId') === pair.id);
}

/**
 * The report's own timestamp (ms since the epoch): the selected transport's or
 * candidate pair's, else the newest entry's; 0 for an empty report.
 */
export function reportTimestamp(snapshot: StatsSnapshot): number {
  const pair = selectedCandidatePair(snapshot);
  const anchor = selectedTransport(snapshot, pair) ?? pair;
  if (anchor && anchor.timestamp > 0) return anchor.timestamp;
  let newest = 0;
  for (const entry of snapshot.values()) if (entry.timestamp > newest) newest = entry.timestamp;
  return newest;
}

/** Sum of a counter's deltas over several entries; undefined when none has one. */
function summedDelta(interval: Interval, entries: readonly StatsEntry[], field: string): number | undefined {
  let total: number | undefined;
  for (const entry of entries) {
    const delta = counterDelta(interval, entry, field);
    if (delta !== undefined) total = (total ?? 0) + delta;
  }
  return total;
}

/** Round-trip time of the pair in ms: current value, else mean over the interval's STUN responses. */
function pairRttMs(interval: Interval, pair: StatsEntry): number | undefined {
  const current = num(pair, 'currentRoundTripTime');
  if (current !== undefined && current >= 0) return current * 1000;
  const total = counterDelta(interval, pair, 'totalRoundTripTime');
  const responses = counterDelta(interval, pair, 'responsesReceived');
  if (total === undefined || responses === undefined || responses <= 0) return undefined;
  return (total / responses) * 1000;
}

/**
 * Firefox exposes no round-trip time on candidate pairs; the smallest RTCP
 * round-trip time of the media (`remote-inbound-rtp`) stands in for it.
 */
function mediaRttMs(snapshot: StatsSnapshot): number | undefined {
  let smallest: number | undefined;
  for (const remote of entriesOfType(snapshot, 'remote-inbound-rtp')) {
    const rtt = num(remote, 'roundTripTime');
    if (rtt !== undefined && rtt > 0 && (smallest === undefined || rtt < smallest)) smallest = rtt;
  }
  return smallest === undefined ? undefined : smallest * 1000;
}

/** Connection-level values: RTT, send bandwidth estimate and transport bytes over the interval. */
export function connectionValues(interval: Interval): Sample['conn'] {
  const conn: Sample['conn'] = {};
  const pair = selectedCandidatePair(interval.current);
  const rtt = (pair && pairRttMs(interval, pair)) ?? mediaRttMs(interval.current);
  if (rtt !== undefined) conn.rtt_ms = rtt;
  const available = num(pair, 'availableOutgoingBitrate');
  if (available !== undefined && available >= 0) conn.available_outgoing_bitrate_kbps = available / 1000;

  const transports = entriesOfType(interval.current, 'transport').filter((t) => num(t, 'bytesSent') !== undefined);
  const byteSources = transports.length > 0 ? transports : pair ? [pair] : [];
  const sent = summedDelta(interval, byteSources, 'bytesSent');
  const received = summedDelta(interval, byteSources, 'bytesReceived');
  if (sent !== undefined) conn.bytes_sent = sent;
  if (received !== undefined) conn.bytes_received = received;
  return conn;
}

/**
 * Relay protocol of a relay candidate: `relayProtocol` where the browser has
 * it, else inferred from the TURN URL scheme and transport (Safari). Only the
 * protocol token leaves this function, never the URL.
 */
function relayProtocol(candidate: StatsEntry): string | undefined {
  const declared = str(candidate, 'relayProtocol');
  if (declared) return declared;
  const url = str(candidate, 'url')?.toLowerCase();
  if (!url) return undefined;
  if (url.startsWith('turns:')) return 'tls';
  if (!url.startsWith('turn:')) return undefined;
  return /[?&]transport=tcp\b/.test(url) ? 'tcp' : 'udp';
}

/**
 * Labels of the selected path. Only candidate types, protocol and network
 * type are read: addresses, ports and URLs are never copied.
 */
export function pathLabels(snapshot: StatsSnapshot): Sample['labels'] {
  const labels: Sample['labels'] = {};
  const pair = selectedCandidatePair(snapshot);
  if (!pair) return labels;
  const local = entryOfType(snapshot, str(pair, 'localCandidateId'), 'local-candidate');
  const remote = entryOfType(snapshot, str(pair, 'remoteCandidateId'), 'remote-candidate');
  const localType = labelValue('local_candidate_type', str(local, 'candidateType'));
  const remoteType = labelValue('remote_candidate_type', str(remote, 'candidateType'));
  if (localType) labels.local_candidate_type = localType;
  if (remoteType) labels.remote_candidate_type = remoteType;
  if (local && localType === 'relay') {
    const protocol = labelValue('relay_protocol', relayProtocol(local));
    if (protocol) labels.relay_protocol = protocol;
  }
  const network = labelValue('network_type', str(local, 'networkType'));
  if (network) labels.network_type = network;
  return labels;
}
