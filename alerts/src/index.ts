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
  SqlTarget,
} from './runbook/types.js';
export { ruleSql } from './runbook/sql.js';
export { DASHBOARD, CLICKHOUSE_DATASOURCE_UID } from './runbook/dashboards.js';
export { DEFAULT_PRICES } from './runbook/prices.js';
export { LIVE_CONNECTION_SECONDS, TURN_ALLOCATIONS_HELD_SQL } from './runbook/entries-turn.js';
export { GB, USAGE_COLUMNS } from './runbook/cost-sql.js';
export { RECORDING_OUTCOME_COLUMNS, recordingOutcomesSql } from './runbook/recording-outcomes.js';
export { EVENT, SERVER_KIND, TABLE } from './runbook/telemetry.js';
export {
  MS_PER_HOUR,
  MS_PER_MINUTE,
  PARTICIPANT_TIME,
  SECONDS_PER_HOUR,
  participantHoursSql,
  participantSecondsSql,
  sampleSecondsSql,
  sampleSpanSql,
} from './runbook/volume.js';
export { FAILED_AFTER_ONLINE_SQL, NETWORK_DROP_SQL } from './runbook/entry-consent-expiry.js';
export { JOIN_LEAVE_GRACE_SECONDS, JOIN_LEAVE_LOOKBACK_SECONDS, RECENT_RECORDINGS_SECONDS } from './runbook/audit-integrity.js';
export { CONSENT_LOOKBACK_SECONDS, LATE_CONSENT_GRACE_SECONDS, RECORDING_CONSENT_COLUMNS, recordingConsentSql } from './runbook/consent-sql.js';
export { CALL_SETUP_SLO, DEGRADED_SESSION_SLO } from './runbook/slo.js';
export type { Slo } from './runbook/slo.js';
export { NAMING_PATHS, prometheusName } from './prometheus/naming.js';
export type { NamingPath } from './prometheus/naming.js';
export { quantileRecordName } from './prometheus/promql.js';
export { DEFAULT_RUNBOOK_BASE_URL, generateOutputs } from './generate/outputs.js';
export { pricesFromEnv } from './generate/prices-env.js';
export { grafanaSql } from './grafana/provisioning.js';
export type { GenerateOptions } from './generate/outputs.js';
export { evaluateRules } from './evaluate/evaluate.js';
export type { EvaluateOptions, GroupValue, RuleEvaluation } from './evaluate/evaluate.js';
export type { SqlRunner } from './evaluate/schema.js';
export { clickhouseRunner } from './evaluate/runner.js';
export type { QueryClient } from './evaluate/runner.js';
export { formatEvaluations } from './evaluate/format.js';
export { matcherText } from './prometheus/counter-expr.js';
