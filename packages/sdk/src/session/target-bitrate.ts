import type { ReportEvent } from '@rtcpulse/schema';

/** How often the outbound bitrate is checked while it ramps up, in ms. */
const POLL_MS = 500;
/** How long it is watched before the target counts as missed, in ms. */
const WINDOW_MS = 30_000;

/**
 * Runbook entry 9: time from session start until the outbound bitrate
 * reaches its target. Polls the observed connections every 500 ms (finer
 * than the 2 s samples, so the 3 s alert line can be told apart) for at most
 * 30 s. The target is reached when the outbound bitrate over the last poll
 * is at least 90 % of `targetKbps`; without a target, when video is being
 * sent and no video encoder is limited by bandwidth any more. Emits one
 * `bitrate.target` event: `reached` with the time, or `missed` with the
 * window (only if something was sent). Returns a function that stops it.
 *
 * The rate is the sum of each connection's own: its bytes sent since its
 * last answered poll over the stats' own timestamps (not when `getStats()`
 * answered, which a slow answer would skew; the answer's time only for
 * stats without timestamps), once it has sent something at both. Each
 * answer is taken as it comes and the target checked then, so polls may
 * overlap (a slow `getStats()`) and a connection whose `getStats()` never
 * answers, fails or throws holds up nobody else. Each poll starts every
 * connection's rate again from 0, so only answers since the last poll
 * began are summed, never a rate a connection gave before it stopped
 * answering. A connection seen for the first time gives no rate, so one
 * observed late (or swapped in for another) never counts all it sent
 * before as one poll's; nor does one whose total went down (a sender
 * removed) or an answer older than the last one taken. The answers to
 * the window's last poll (at 30 s) may still reach the target until the
 * poll after it, which reports `missed` with the window, 30 000 ms.
 * Without a target, a connection's "sends video" and "limited by
 * bandwidth" are those of its last answer, also when it answers no more.
 */
export const watchTargetBitrate = (
  connections: () => Iterable<RTCPeerConnection>,
  emit: (event: Omit<ReportEvent, 'pc' | 'ts'>) => void,
  now: () => number,
  targetKbps?: number,
): () => void => {
  const startedAt = now();
  /** Per connection, from its last answer: bytes sent, the stats' timestamp, the rate since the answer before (kbit/s; 0 from each poll's start), sends video, a video encoder limited by bandwidth. */
  const last = new Map<RTCPeerConnection, [bytes: number, at: number, kbps: number, video: boolean, limited: boolean]>();
  let done: boolean | undefined;
  const stop = (): void => {
    done = true;
    clearInterval(timer);
  };
  /** Checks the target; `final`: the window is over, a poll later (its last poll's answers had until then). */
  const check = (final: boolean): void => {
    let sent = 0;
    let kbps = 0;
    let video = false;
    let limited = false;
    for (const pc of connections()) {
      const [b = 0, , k = 0, v, l] = last.get(pc) ?? [];
      sent += b;
      kbps += k;
      video ||= !!v;
      limited ||= !!l;
    }
    const reached = targetKbps ? kbps >= 0.9 * targetKbps : video && kbps > 0 && !limited;
    if (!done && (reached || final)) {
      stop();
      // A miss reports the window (registry: time_to_target_bitrate_ms).
      if (reached || (targetKbps ? sent : video)) emit({ type: 'bitrate.target', state: reached ? 'reached' : 'missed', value: reached ? now() - startedAt : WINDOW_MS });
    }
  };
  // Async, so that a getStats() that throws at once, or gives a report without a promise, is caught like one that rejects.
  const poll = async (pc: RTCPeerConnection): Promise<void> => {
    let bytes = 0;
    let at = 0;
    let video = false;
    let limited = false;
    (await pc.getStats()).forEach((s: { type: string; timestamp: number; kind?: string; bytesSent?: number; qualityLimitationReason?: string }) => {
      if (s.type != 'outbound-rtp' || !s.bytesSent) return;
      bytes += s.bytesSent;
      at = s.timestamp;
      if (s.kind == 'video') {
        video = true;
        limited ||= s.qualityLimitationReason == 'bandwidth';
      }
    });
    at ||= now();
    const [before, then] = last.get(pc) ?? [];
    // Bytes per ms × 8 = kbit/s. With no earlier answer (undefined) the comparisons fail; with nothing sent at it (0, its
    // time perhaps the answer's), the second one does.
    last.set(pc, [bytes, at, at > then! && before! && bytes > before! ? ((bytes - before!) * 8) / (at - then!) : 0, video, limited]);
    check(false);
  };
  const timer = setInterval(() => {
    last.forEach((state) => (state[2] = 0));
    for (const pc of connections()) poll(pc).catch(() => undefined);
    // The poll after the window's last one (timers fire late, never early: the 30 s poll may run at 30 001 ms or later).
    check(now() - startedAt >= WINDOW_MS + POLL_MS / 2);
  }, POLL_MS);
  // An answer still open when the session stops reports nothing after it.
  return stop;
};
