export { PLAYBOOK, FAMILY_PAGES, RUNBOOK, allRules, ruleById } from './runbook/index.js';
export type { PagedRule } from './runbook/index.js';
export type {
  AlertRule,
  BurnRateForm,
  Comparator,
  ConfirmStep,
  Duration,
  MetricSelector,
  Prices,
  PrometheusForm,
  QuantileForm,
  RatioForm,
  RunbookPage,
  Severity,
  SqlContext,
  SqlForm,
  SqlRequirements,
} from './runbook/types.js';
export { DASHBOARD, CLICKHOUSE_DATASOURCE_UID } from './runbook/dashboards.js';
export { DEFAULT_PRICES } from './runbook/prices.js';
export { LIVE_CONNECTION_SECONDS } from './runbook/entries-cost.js';
export { NAMING_PATHS, prometheusName } from './prometheus/naming.js';
export type { NamingPath } from './prometheus/naming.js';
export { quantileRecordName } from './prometheus/promql.js';
export { DEFAULT_RUNBOOK_BASE_URL, generateOutputs } from './generate/outputs.js';
export type { GenerateOptions } from './generate/outputs.js';
export { evaluateRules } from './evaluate/evaluate.js';
export type { EvaluateOptions, GroupValue, RuleEvaluation } from './evaluate/evaluate.js';
export type { SqlRunner } from './evaluate/schema.js';
export { clickhouseRunner } from './evaluate/runner.js';
export type { QueryClient } from './evaluate/runner.js';
export { formatEvaluations } from './evaluate/format.js';
