import type { Sample } from '@rtcpulse/schema';

/** An interval with an audio MOS under this is degraded (E-model R = 70). */
export const DEGRADED_MOS = 3.6;
/** An interval with at least this share of frozen inbound video (%) is degraded. */
export const DEGRADED_FREEZE_PCT = 10;
/** A session with at least this share of degraded media intervals (%) is degraded. */
export const DEGRADED_SESSION_PCT = 20;

/**
 * The per-session "degraded" classification, computed in the SDK and sent as
 * the `session.quality` event when the session ends. A media interval is a
 * sample with an audio MOS (either direction) or an inbound video freeze
 * share; it is degraded when the lowest MOS is under 3.6 or frozen video
 * covers 10 % or more of it. The session is degraded when 20 % or more of its
 * media intervals are. The collector can recompute the same from the stored
 * `*_mos` and `video_in_freeze_time_pct` columns.
 */
export const degradedTracker = (): { take(sample: Sample): void; result(): { state: string; value: number } | undefined } => {
  let media = 0;
  let degraded = 0;
  return {
    take({ streams: s }) {
      const mos = Math.min(s.audio_in?.mos ?? 9, s.audio_out?.mos ?? 9);
      const frozen = s.video_in?.freeze_time_pct;
      if (mos === 9 && frozen === undefined) return;
      media++;
      if (mos < DEGRADED_MOS || (frozen ?? 0) >= DEGRADED_FREEZE_PCT) degraded++;
    },
    result() {
      if (!media) return undefined;
      const share = Math.round((degraded * 1000) / media) / 10;
      return { state: share >= DEGRADED_SESSION_PCT ? 'degraded' : 'ok', value: share };
    },
  };
};
