import type { MetricAttribute } from '../types.js';

/** Attributes every client-side metric carries. */
export const CLIENT: readonly MetricAttribute[] = ['region', 'browser', 'os', 'sdk.version', 'topology'];
/** Client attributes plus the selected candidate type (host, srflx, prflx, relay). */
export const CLIENT_PATH: readonly MetricAttribute[] = [...CLIENT, 'candidate.type'];
/** Client attributes plus media kind and direction, for per-stream metrics. */
export const CLIENT_STREAM: readonly MetricAttribute[] = [...CLIENT, 'media.kind', 'direction'];
