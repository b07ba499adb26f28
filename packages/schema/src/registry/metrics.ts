import { COLLECTOR_METRICS } from './metrics/collector.js';
import { COMPLIANCE_METRICS } from './metrics/compliance.js';
import { COST_METRICS } from './metrics/cost.js';
import { ERROR_METRICS } from './metrics/errors.js';
import { QUALITY_METRICS } from './metrics/quality.js';
import { SERVER_METRICS } from './metrics/server.js';

/**
 * The metric registry: the single source every generated artefact reads
 * (collector instruments, ClickHouse columns, dashboards, alert rules).
 * One file per family under `metrics/`; order is stable (it is the column
 * order in ClickHouse).
 */
export const METRICS = [
  ...QUALITY_METRICS,
  ...ERROR_METRICS,
  ...COST_METRICS,
  ...COMPLIANCE_METRICS,
  ...SERVER_METRICS,
  ...COLLECTOR_METRICS,
] as const;
