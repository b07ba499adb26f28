export { buildApp, DEFAULT_BODY_LIMIT_BYTES } from './app.js';
export type { AppOptions, CollectorApp } from './app.js';
export { CollectorError, ErrorResponseSchema } from './errors.js';
export type { ErrorResponse } from './errors.js';
export { AcceptedResponseSchema } from './routes/ingest.js';
export { DEFAULT_DATA_DIR, storeConfigFromEnv } from './store/config.js';
export type { EmbeddedStoreConfig, ServerStoreConfig, StoreConfig } from './store/config.js';
export { createStore, dedupToken } from './store/store.js';
export type { InsertedCounts, Store } from './store/store.js';
export type { SessionSamplesPage, SessionSamplesQuery } from './store/read.js';
export type { Row } from './store/rows.js';
export { migrationStatements, DEDUP_WINDOW_BLOCKS } from './store/ddl.js';
export { createTelemetry, METER_NAME } from './telemetry/telemetry.js';
export type { NodeGaugePoint, Telemetry } from './telemetry/telemetry.js';
export { DEFAULT_CARDINALITY_LIMIT, telemetryConfigFromEnv } from './telemetry/config.js';
export type { OtlpExportConfig, TelemetryConfig } from './telemetry/config.js';
export { prometheusNamesTable } from './telemetry/names-table.js';
export { serverEventsConfig, serverEventsConfigFromEnv } from './server-events/config.js';
export type { ServerEventsConfig } from './server-events/config.js';
export { parseServerKeys, serverKeyEntryId, withServerKeys } from './server-events/server-keys.js';
export type { ServerKeyEntry } from './server-events/server-keys.js';
export { pricingFromEnv } from './server-events/pricing.js';
export { costBreakdown } from './server-events/cost.js';
export type { CostBreakdown, CostComponents, Usage } from './server-events/cost.js';
export { serverEventsTable } from './server-events/table.js';
export { securityPlugin } from './auth/plugin.js';
export type { SecurityOptions } from './auth/plugin.js';
export { securityFromEnv } from './auth/config.js';
export {
  DEFAULT_PUBLIC_RATE_LIMIT,
  DEFAULT_SERVER_RATE_LIMIT,
  DEMO_TENANTS,
  SERVER_SCOPES,
  TenantsFileSchema,
  createTenantRegistry,
  loadTenantsFile,
  parseTenantsConfig,
} from './auth/tenants.js';
export type { PublicKeyGrant, RateLimit, ServerKeyGrant, ServerScope, TenantRegistry, TenantsConfig } from './auth/tenants.js';
export { KEY_HEADER, verifyServerKey } from './auth/credentials.js';
export type { AuthRefusal, ServerKeyCheck } from './auth/credentials.js';
export { requireServerKey } from './auth/server-guard.js';
export { isOriginAllowed } from './auth/origins.js';
export { CLOCK_SKEW_TOLERANCE_MS, batchClockSkew, correctBatchTimestamps, correctTimestamp, measureClockSkew } from './auth/clock-skew.js';
export type { ClockSkew } from './auth/clock-skew.js';
export { DEFAULT_TIMEOUTS, hardenedServerOptions } from './auth/server-options.js';
export type { TimeoutOptions } from './auth/server-options.js';
export { AUDIT_LOG_ACTIONS, UNKNOWN_TENANT } from './audit/record.js';
export type { AuditActor, AuditContext, AuditLogAction, AuditRecord } from './audit/record.js';
export { createAuditLog } from './audit/log.js';
export type { AuditLog, AuditLogger, AuditStorage, ChainHead } from './audit/log.js';
export { GENESIS_HASH, canonicalRow, rowHash } from './audit/canonical.js';
export type { AuditOutcome, AuditRow } from './audit/canonical.js';
export { verifyAuditChain } from './audit/verify.js';
export type { AuditFinding, AuditVerification } from './audit/verify.js';
export { readAuditRows, verifyTenantAudit, verifyTenantRows } from './audit/read.js';
export type { ExpectedHead, TenantAuditVerification } from './audit/read.js';
export { WRITER_ID_FILE, checkWriterId, loadWriterId } from './audit/writer-id.js';
export { JOINS_WITHOUT_LEAVE_SQL, RECORDINGS_WITHOUT_CONSENT_SQL, auditCompleteness, completenessParams } from './audit/completeness.js';
export type { AuditCompleteness, CompletenessOptions } from './audit/completeness.js';
export { auditLogTable, AUDIT_TABLE } from './audit/table.js';
export { loadAuditKey, pseudonym, DEFAULT_AUDIT_KEY_FILE } from './audit/actor-key.js';
export type { AuditKey } from './audit/actor-key.js';
