import type { Complaint } from '@rtcpulse/schema';
import { platformDetails } from '../platform/browser.js';
import type { RtcPulse } from '../rtc-pulse-api.js';

/** Post-call feedback (runbook entry 12). */
export interface Feedback {
  /** 1 (bad) to 5 (excellent); rounded and clamped. */
  rating: number;
  /** Complaint tags such as `audio-wrong-device`; tags that are not lower-case words are sent as `other`. */
  complaints?: readonly (Complaint | (string & {}))[];
}

/**
 * Sends post-call feedback at once with the platform details (CPU cores,
 * memory, connection type, counts of microphones, speakers and cameras,
 * output selection support): one `feedback` event with the rating and one
 * `feedback.complaint` event per tag. Works after `pulse.stop()`; never
 * rejects.
 */
export async function sendFeedback(pulse: RtcPulse, feedback: Feedback): Promise<void> {
  try {
    await pulse.feedback(feedback.rating, feedback.complaints, await platformDetails());
  } catch {
    // No session or no feedback (plain JavaScript): nothing to send, and nothing to reject with.
  }
}
