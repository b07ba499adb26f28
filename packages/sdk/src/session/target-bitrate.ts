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
 * last poll over the stats' own timestamps (not when `getStats()`
 * answered, which a slow answer would skew). A connection seen for the
 * first time gives no rate that poll, so one observed late (or swapped in
 * for another) never counts all it sent before as one poll's, and one whose
 * total went down (a sender removed) gives none either. Polls may overlap
 * (a slow `getStats()`): the timestamps keep each rate right, and one
 * `getStats()` that never answers holds up only its own poll. (A
 * connection whose every `getStats()` hangs holds up every poll, the other
 * connections' included, since a poll asks them one after another.)
 */
export function watchTargetBitrate(
  connections: () => Iterable<RTCPeerConnection>,
  emit: (event: Omit<ReportEvent, 'pc' | 'ts'>) => void,
  now: () => number,
  targetKbps?: number,
): () => void {
  const startedAt = now();
  /** Per connection: its bytes sent and the stats' timestamp at its last poll. */
  const last = new Map<RTCPeerConnection, [bytes: number, at: number]>();
  let done = false;
  const timer = setInterval(() => {
    void (async () => {
      let sent = 0;
      let kbps = 0;
      let video = false;
      let limited = false;
      for (const pc of connections()) {
        let bytes = 0;
        let at = 0;
        (await pc.getStats()).forEach((s: { type: string; timestamp: number; kind?: string; bytesSent?: number; qualityLimitationReason?: string }) => {
          if (s.type !== 'outbound-rtp' || !s.bytesSent) return;
          bytes += s.bytesSent;
          at = s.timestamp;
          if (s.kind === 'video') {
            video = true;
            limited ||= s.qualityLimitationReason === 'bandwidth';
          }
        });
        const [before, then] = last.get(pc) ?? [];
        // Bytes per ms × 8 = kbit/s; undefined and NaN (no earlier poll, no timestamp) add nothing.
        if (at > then! && bytes > before!) kbps += ((bytes - before!) * 8) / (at - then!);
        last.set(pc, [bytes, at]);
        sent += bytes;
      }
      const t = now();
      const reached = targetKbps ? kbps >= 0.9 * targetKbps : video && kbps > 0 && !limited;
      if (!done && (reached || t - startedAt >= WINDOW_MS)) {
        done = true;
        clearInterval(timer);
        if (reached || (targetKbps ? sent : video)) emit({ type: 'bitrate.target', state: reached ? 'reached' : 'missed', value: t - startedAt });
      }
    })().catch(() => undefined);
  }, POLL_MS);
  // A poll still open when the session stops reports nothing after it.
  return () => {
    done = true;
    clearInterval(timer);
  };
}
