import type { MetricDefinition } from '../types.js';

/** Server-side metrics reported by SFUs, TURN servers and recorders through the collector. */
export const SERVER_METRICS = [] as const satisfies readonly MetricDefinition[];
