import type { Sample } from '@rtcpulse/schema';
import { labelValue } from './registry-rules.js';
import type { StatsEntry, StatsSnapshot } from './snapshot.js';
import { counterDelta, entriesOfType, entryOfType, num, str, type Interval } from './stats-fields.js';
import { mediaKind } from './stream-contribution.js';

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
  return pairs.find((p) => p['selected'] === true) ?? pairs.find((p) => p['nominated'] === true && p['state'] === 'succeeded');
}

/**
 * The report's own timestamp (ms since the epoch): the selected transport's or
 * candidate pair's, else the newest entry's; 0 for an empty report.
 */
export function reportTimestamp(snapshot: StatsSnapshot, pair = selectedCandidatePair(snapshot)): number {
  const transport = pair && entriesOfType(snapshot, 'transport').find((t) => str(t, 'selectedCandidatePairId') === pair.id);
  const anchor = transport ?? pair;
  if (anchor && anchor.timestamp > 0) return anchor.timestamp;
  let newest = 0;
  for (const entry of snapshot.values()) newest = Math.max(newest, entry.timestamp);
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

/**
 * Round-trip time in ms: the pair's current value, else the mean over the
 * interval's STUN responses, else (Firefox has no pair RTT) the smallest RTCP
 * round-trip time of the media (`remote-inbound-rtp`).
 */
function rttMs(interval: Interval, pair: StatsEntry | undefined): number | undefined {
  const current = num(pair, 'currentRoundTripTime');
  const total = counterDelta(interval, pair, 'totalRoundTripTime');
  const responses = counterDelta(interval, pair, 'responsesReceived');
  let seconds = current !== undefined && current >= 0 ? current : total !== undefined && responses ? total / responses : undefined;
  if (seconds === undefined) {
    for (const remote of entriesOfType(interval.current, 'remote-inbound-rtp')) {
      const rtt = num(remote, 'roundTripTime');
      if (rtt && (seconds === undefined || rtt < seconds)) seconds = rtt;
    }
  }
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * How far apart the inbound audio and video play out (runbook entry 7):
 * |video − audio| `estimatedPlayoutTimestamp`, when the connection receives
 * exactly one of each (with several senders the pairing is unknown).
 */
function avSyncMs(snapshot: StatsSnapshot): number | undefined {
  const playout: Partial<Record<string, number[]>> = {};
  for (const entry of entriesOfType(snapshot, 'inbound-rtp')) {
    const ts = num(entry, 'estimatedPlayoutTimestamp');
    const kind = mediaKind(entry);
    if (ts && kind) (playout[kind] ??= []).push(ts);
  }
  const [audio, video] = [playout['audio'], playout['video']];
  return audio?.length === 1 && video?.length === 1 ? Math.abs(video[0]! - audio[0]!) : undefined;
}

/**
 * Connection-level values: RTT, send bandwidth estimate, A/V playout offset,
 * transport bytes over the interval, and what of them went through our TURN
 * relay.
 */
export function connectionValues(interval: Interval, pair: StatsEntry | undefined, relayed: boolean): Sample['conn'] {
  const conn: Sample['conn'] = {};
  conn.rtt_ms = rttMs(interval, pair);
  const available = num(pair, 'availableOutgoingBitrate');
  if (available !== undefined) conn.available_outgoing_bitrate_kbps = available / 1000;
  conn.av_sync_ms = avSyncMs(interval.current);
  const transports = entriesOfType(interval.current, 'transport').filter((t) => num(t, 'bytesSent') !== undefined);
  const byteSources = transports.length > 0 ? transports : pair ? [pair] : [];
  conn.bytes_sent = summedDelta(interval, byteSources, 'bytesSent');
  conn.bytes_received = summedDelta(interval, byteSources, 'bytesReceived');
  if (relayed && pair) {
    const sent = counterDelta(interval, pair, 'bytesSent');
    const received = counterDelta(interval, pair, 'bytesReceived');
    if (sent !== undefined || received !== undefined) conn.relayed_bytes = (sent ?? 0) + (received ?? 0);
  }
  return conn;
}

/**
 * Relay protocol of a relay candidate: `relayProtocol` where the browser has
 * it, else inferred from the TURN URL scheme and transport (Safari). Only the
 * protocol token leaves this function, never the URL.
 */
function relayProtocol(candidate: StatsEntry): string | undefined {
  const url = str(candidate, 'url')?.toLowerCase() ?? '';
  return (
    str(candidate, 'relayProtocol') ??
    (url.startsWith('turns:') ? 'tls' : url.startsWith('turn:') ? (/[?&]transport=tcp\b/.test(url) ? 'tcp' : 'udp') : undefined)
  );
}

/**
 * Labels of the selected path. Only candidate types, protocol and network
 * type are read: addresses, ports and URLs are never copied.
 */
export function pathLabels(snapshot: StatsSnapshot, pair: StatsEntry | undefined): Sample['labels'] {
  const local = entryOfType(snapshot, str(pair, 'localCandidateId'), 'local-candidate');
  const remote = entryOfType(snapshot, str(pair, 'remoteCandidateId'), 'remote-candidate');
  const localType = labelValue('local_candidate_type', str(local, 'candidateType'));
  return {
    local_candidate_type: localType,
    remote_candidate_type: labelValue('remote_candidate_type', str(remote, 'candidateType')),
    relay_protocol: local && localType === 'relay' ? labelValue('relay_protocol', relayProtocol(local)) : undefined,
    network_type: labelValue('network_type', str(local, 'networkType')),
  };
}
