import { mediaDevices } from '../platform/browser.js';
import type { RtcPulse } from '../rtc-pulse-api.js';

type Stage = 'getUserMedia' | 'getDisplayMedia';

async function capture<T>(pulse: RtcPulse, stage: Stage, arg: T): Promise<MediaStream> {
  try {
    const devices = mediaDevices() as unknown as Record<Stage, (arg: T) => Promise<MediaStream>>;
    return await devices[stage](arg);
  } catch (error) {
    // The app gets the browser's own error, also when it passed no session (plain JavaScript).
    pulse?.reportError?.(error, stage);
    throw error;
  }
}

/**
 * `navigator.mediaDevices.getUserMedia` with a failure reported as an
 * `error` event (stage `getUserMedia`, the DOMException name such as
 * `NotAllowedError`, `NotFoundError`, `NotReadableError` or
 * `OverconstrainedError` with its constraint). Resolves with the same stream
 * and rejects with the very same error as the original.
 */
export function captureUserMedia(pulse: RtcPulse, constraints?: MediaStreamConstraints): Promise<MediaStream> {
  return capture(pulse, 'getUserMedia', constraints);
}

/**
 * `getDisplayMedia` with failures reported (stage `getDisplayMedia`) and
 * screen sharing audited: `screenshare.start` when capture begins,
 * `screenshare.stop` once when the video track ends — through the browser's
 * own "stop sharing" control or the app calling `track.stop()`.
 */
export async function captureDisplayMedia(pulse: RtcPulse, options?: DisplayMediaStreamOptions): Promise<MediaStream> {
  const stream = await capture(pulse, 'getDisplayMedia', options);
  pulse?.audit?.('screenshare.start');
  for (const track of stream.getVideoTracks()) {
    let done = false;
    const stop = track.stop;
    const ended = (): void => {
      if (!done) pulse?.audit?.('screenshare.stop');
      done = true;
    };
    track.addEventListener('ended', ended);
    track.stop = () => {
      ended();
      stop.call(track);
    };
  }
  return stream;
}
