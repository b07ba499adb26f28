import type { ReportEvent } from '@rtcpulse/schema';
import { pathLabels, selectedPath } from '../extract/connection.js';
import { toSnapshot, type StatsSnapshot } from '../extract/snapshot.js';
import { num } from '../extract/stats-fields.js';
import { listen } from '../platform/browser.js';
import { DTLS_STUCK_MS, FAILED_AFTER_ONLINE_MS, RESTART_SETTLE_MS, RESTART_TIMEOUT_MS } from '../constants.js';

/** An event without the peer connection id and time, which the caller stamps. */
export type ConnectionEvent = Omit<ReportEvent, 'pc' | 'ts'>;

/** What a watched connection needs from its session. */
export interface WatchContext {
  emit(event: ConnectionEvent): void;
  now(): number;
  /** When the browser last fired `online` in this session. */
  lastOnline(): number | undefined;
  /** Time after ICE connected without inbound RTP before `media.no_inbound` (runbook entry 2). */
  noInboundMs: number;
}

/** The per-connection state machines and the runbook checks that run on each sample. */
export interface ConnectionWatch {
  /** Runs the time-based checks against the latest stats snapshot. */
  tick(snapshot: StatsSnapshot): void;
  /** Calls `restartIce()` and follows its outcome (runbook entry 3). */
  recover(): void;
  /** Removes every listener. */
  unwatch(): void;
}

const isUp = (state: string): boolean => state == 'connected' || state == 'completed';

/**
 * Reports every state change of one peer connection and the runbook
 * telemetry built on them:
 * - entry 1: `ice.pair.formed` — from the start of ICE gathering (or from
 *   when observation began, if it had started) until ICE first connects,
 *   with the selected pair's candidate types;
 * - entry 2: `dtls.connecting` — time each DTLS transport spent connecting,
 *   or `stuck` past 5 s; `media.no_inbound` — ICE connected for the
 *   configured time and not one inbound RTP packet while media is expected;
 * - entry 3: `connection.failed_after_online` — connected, then failed
 *   within 30 s of an `online` event; the outcome of `restartIce()`.
 */
export const watchConnection = (pc: RTCPeerConnection, ctx: WatchContext): ConnectionWatch => {
  const { emit, now } = ctx;
  let iceStartedAt = pc.iceGatheringState == 'new' ? undefined : now();
  let pairFormed = isUp(pc.iceConnectionState);
  let iceUpSince = pairFormed ? now() : undefined;
  let wasConnected = pc.connectionState == 'connected';
  /** Runbook 2: reported, or packets seen (the inbound counters only grow): the check is over. */
  let noInboundDone: boolean | undefined;
  let restartAt: number | undefined;
  /** DTLS transports seen, with when they started connecting (0 when they are not). */
  const dtls = new Map<RTCDtlsTransport, number>();
  const removers: Array<() => void> = [];

  const restartOutcome = (state: string): void => {
    if (restartAt === undefined) return;
    emit({ type: 'ice.restart', state, value: now() - restartAt });
    restartAt = undefined;
  };

  const pairFormedAfter = async (ms: number): Promise<void> => {
    let labels: ReturnType<typeof pathLabels> = {};
    try {
      const snapshot = toSnapshot(await pc.getStats());
      labels = pathLabels(snapshot, selectedPath(snapshot)[1]);
    } catch {
      // Without stats the event still carries the time.
    }
    emit({ type: 'ice.pair.formed', value: ms, name: labels.local_candidate_type, stage: labels.remote_candidate_type });
  };

  const watchDtls = (): void => {
    for (const { transport } of [...pc.getSenders(), ...pc.getReceivers()]) {
      if (!transport || dtls.has(transport)) continue;
      dtls.set(transport, transport.state == 'connecting' ? now() : 0);
      removers.push(
        listen(transport, 'statechange', () => {
          const state = transport.state;
          const since = dtls.get(transport) ?? 0;
          emit({ type: 'dtls.state', state });
          if (since && state != 'connecting') emit({ type: 'dtls.connecting', state, value: now() - since });
          dtls.set(transport, state == 'connecting' ? now() : 0);
        }),
      );
    }
  };

  const on = (type: string, handler: () => void): void => {
    removers.push(listen(pc, type, handler));
  };
  on('signalingstatechange', () => {
    emit({ type: 'signaling.state', state: pc.signalingState });
    watchDtls();
  });
  on('icegatheringstatechange', () => {
    if (pc.iceGatheringState == 'gathering') iceStartedAt ??= now();
    emit({ type: 'ice.gathering.state', state: pc.iceGatheringState });
  });
  on('iceconnectionstatechange', () => {
    const state = pc.iceConnectionState;
    emit({ type: 'ice.connection.state', state });
    iceUpSince = isUp(state) ? (iceUpSince ?? now()) : undefined;
    if (!pairFormed && isUp(state)) {
      pairFormed = true;
      if (iceStartedAt !== undefined) void pairFormedAfter(now() - iceStartedAt);
    }
  });
  on('connectionstatechange', () => {
    const state = pc.connectionState;
    const online = ctx.lastOnline();
    emit({ type: 'connection.state', state });
    if (state == 'connected') {
      wasConnected = true;
      restartOutcome('recovered');
    }
    if (state == 'failed') {
      if (wasConnected && online !== undefined && now() - online <= FAILED_AFTER_ONLINE_MS) {
        emit({ type: 'connection.failed_after_online', value: now() - online });
      }
      restartOutcome('failed');
    }
    watchDtls();
  });
  watchDtls();

  return {
    tick(snapshot) {
      const t = now();
      for (const [transport, since] of dtls) {
        if (since && t - since >= DTLS_STUCK_MS && transport.state == 'connecting') {
          emit({ type: 'dtls.connecting', state: 'stuck', value: t - since });
          dtls.set(transport, 0);
        }
      }
      if (iceUpSince !== undefined && !noInboundDone && t - iceUpSince >= ctx.noInboundMs) {
        let packets = 0;
        for (const entry of snapshot.values()) if (entry.type == 'inbound-rtp') packets += num(entry, 'packetsReceived') ?? 0;
        // Packets counted (the counters only grow) or media expected and none: the check is done, no walk on later samples.
        if (packets || pc.getTransceivers().some((tr) => /recv/.test(tr.currentDirection ?? ''))) {
          noInboundDone = true;
          if (!packets) emit({ type: 'media.no_inbound', value: t - iceUpSince });
        }
      }
      if (restartAt !== undefined) {
        if (pc.connectionState == 'connected' && t - restartAt >= RESTART_SETTLE_MS) restartOutcome('recovered');
        else if (t - restartAt >= RESTART_TIMEOUT_MS) restartOutcome('timeout');
      }
    },
    recover() {
      if (pc.connectionState == 'closed' || restartAt !== undefined) return;
      restartAt = now();
      emit({ type: 'ice.restart', state: 'started' });
      pc.restartIce();
    },
    unwatch() {
      removers.splice(0).forEach((remove) => remove());
    },
  };
};
