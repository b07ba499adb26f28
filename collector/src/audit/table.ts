import type { TableSpec } from '../store/table-spec.js';

/** Name of the audit table. */
export const AUDIT_TABLE = 'audit_log';

const TIME = "DateTime64(3, 'UTC')";
const LABEL = 'LowCardinality(String)';

/**
 * The append-only audit log: one hash chain per tenant and collector
 * instance (`writer`), so that collectors scaled out side by side never fork
 * a chain. Columns follow
 * NIST SP 800-53 AU-3: what (`action`, `object`), when (`ts`, `recorded_at`),
 * where (`service`, `route`, `region`), source (`source`: origin or hashed
 * IP), outcome (`outcome`, `reason`) and who (`actor`: an HMAC pseudonym).
 * `seq` numbers a chain's rows from 1; `prev_hash`/`hash` chain them (see
 * `audit/canonical.ts`). Rows are never updated or deleted by the collector.
 */
export function auditLogTable(): TableSpec {
  return {
    name: AUDIT_TABLE,
    columns: [
      { name: 'tenant', type: LABEL },
      { name: 'seq', type: 'UInt64' },
      { name: 'ts', type: TIME },
      { name: 'recorded_at', type: TIME },
      { name: 'action', type: LABEL },
      { name: 'outcome', type: LABEL },
      { name: 'actor', type: 'String' },
      { name: 'actor_kind', type: LABEL },
      { name: 'service', type: LABEL },
      { name: 'route', type: LABEL },
      { name: 'region', type: LABEL },
      { name: 'source', type: 'String' },
      { name: 'session_id', type: 'String' },
      { name: 'call_id', type: 'String' },
      { name: 'object', type: 'String' },
      { name: 'reason', type: 'String' },
      { name: 'details', type: 'String' },
      { name: 'dedup_key', type: 'String' },
      { name: 'prev_hash', type: 'String' },
      { name: 'hash', type: 'String' },
      { name: 'writer', type: LABEL },
    ],
    partitionBy: 'toYYYYMM(recorded_at)',
    orderBy: ['tenant', 'seq'],
    // Retention only when RTCPULSE_TTL_DAYS_AUDIT_LOG is set; a tenant's chains stay on one shard.
    ttlColumn: 'recorded_at',
    shardBy: 'cityHash64(tenant)',
  };
}
