export { createRtcPulse } from './rtc-pulse.js';
export type { RtcPulse } from './rtc-pulse-api.js';
export type { RtcPulseOptions } from './options.js';
export { SDK_VERSION } from './constants.js';
export { createFetchSender } from './transport/send-report.js';
export type { SendOutcome, SendReport } from './transport/send-report.js';
