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
 */
export function watchTargetBitrate(
  connections: () => Iterable<RTCPeerConnection>,
  emit: (event: Omit<ReportEvent, 'pc' | 'ts'>) => void,
  now: () => number,
  targetKbps?: number,
): () => void {
  const startedAt = now();
  let last: [bytes: number, at: number, connections: number] | undefined;
  let done = false;
  const timer = setInterval(() => {
    void (async () => {
      let bytes = 0;
      let video = false;
      let limited = false;
      let count = 0;
      for (const pc of connections()) {
        count++;
        (await pc.getStats()).forEach((s: { type: string; kind?: string; bytesSent?: number; qualityLimitationReason?: string }) => {
          if (s.type !== 'outbound-rtp' || !s.bytesSent) return;
          bytes += s.bytesSent;
          if (s.kind === 'video') {
            video = true;
            limited ||= s.qualityLimitationReason === 'bandwidth';
          }
        });
      }
      const t = now();
      // A connection observed since the last poll (or let go) would count its whole total as this poll's: no rate this time.
      const kbps = last?.[2] == count && t > last[1] ? ((bytes - last[0]) * 8) / (t - last[1]) : 0;
      last = [bytes, t, count];
      const reached = targetKbps ? kbps >= 0.9 * targetKbps : video && kbps > 0 && !limited;
      if (!done && (reached || t - startedAt >= WINDOW_MS)) {
        done = true;
        clearInterval(timer);
        if (reached || (targetKbps ? bytes : video)) emit({ type: 'bitrate.target', state: reached ? 'reached' : 'missed', value: t - startedAt });
      }
    })().catch(() => undefined);
  }, POLL_MS);
  return () => clearInterval(timer);
}
