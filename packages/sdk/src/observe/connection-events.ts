import type { ReportEvent } from '@rtcpulse/schema';

type Emit = (event: Omit<ReportEvent, 'pc' | 'ts'>) => void;

/**
 * Listens to one peer connection's state machines and reports each change,
 * plus the ICE candidate-pair formation time: from the start of ICE
 * gathering (or from when observation began, if gathering had already
 * started) until the ICE connection first reaches `connected`.
 * Returns a function that removes every listener.
 */
export function watchConnectionEvents(pc: RTCPeerConnection, emit: Emit, now: () => number): () => void {
  let iceStartedAt: number | undefined = pc.iceGatheringState === 'new' ? undefined : now();
  let pairFormed = pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';
  const dtlsWatched = new WeakSet<RTCDtlsTransport>();
  const removers: Array<() => void> = [];

  const listen = (target: EventTarget, type: string, handler: () => void): void => {
    target.addEventListener(type, handler);
    removers.push(() => target.removeEventListener(type, handler));
  };

  const watchDtls = (): void => {
    const transports = [
      ...pc.getSenders().map((s) => s.transport),
      ...pc.getReceivers().map((r) => r.transport),
    ];
    for (const transport of transports) {
      if (!transport || dtlsWatched.has(transport)) continue;
      dtlsWatched.add(transport);
      listen(transport, 'statechange', () => emit({ type: 'dtls.state', state: transport.state }));
    }
  };

  listen(pc, 'signalingstatechange', () => {
    emit({ type: 'signaling.state', state: pc.signalingState });
    watchDtls();
  });
  listen(pc, 'icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'gathering' && iceStartedAt === undefined) iceStartedAt = now();
    emit({ type: 'ice.gathering.state', state: pc.iceGatheringState });
  });
  listen(pc, 'iceconnectionstatechange', () => {
    const state = pc.iceConnectionState;
    emit({ type: 'ice.connection.state', state });
    if (!pairFormed && (state === 'connected' || state === 'completed')) {
      pairFormed = true;
      if (iceStartedAt !== undefined) emit({ type: 'ice.pair.formed', value: Math.max(0, now() - iceStartedAt) });
    }
  });
  listen(pc, 'connectionstatechange', () => {
    emit({ type: 'connection.state', state: pc.connectionState });
    watchDtls();
  });
  watchDtls();

  return () => {
    for (const remove of removers.splice(0)) remove();
  };
}
