import type { MetricDefinition } from '../types.js';

/** Errors: what broke. */
export const ERROR_METRICS = [] as const satisfies readonly MetricDefinition[];
