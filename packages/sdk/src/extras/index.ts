export { captureDisplayMedia, captureUserMedia } from './media-capture.js';
export { sendFeedback } from './feedback.js';
export type { Feedback } from './feedback.js';
