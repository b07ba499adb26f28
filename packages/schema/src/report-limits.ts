// Its own module (and subpath, `@rtcpulse/schema/report-limits`) so that the browser SDK can hold its options and batches
// to these limits without bundling the schema and TypeBox.

/** Hard limits that bound what one report can make the collector do. */
export const REPORT_LIMITS = {
  maxSamples: 600,
  maxEvents: 1000,
  maxIdLength: 128,
  maxTextLength: 512,
} as const;
