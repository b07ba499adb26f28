import type { MetricDefinition } from '../types.js';

/** Compliance: what an auditor sees. */
export const COMPLIANCE_METRICS = [] as const satisfies readonly MetricDefinition[];
