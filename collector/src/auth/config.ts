import { resolve } from 'node:path';
import { loadAuditKey } from '../audit/actor-key.js';
import { checkWriterId } from '../audit/writer-id.js';
import { storeConfigFromEnv, type StoreConfig } from '../store/config.js';
import type { SecurityOptions } from './plugin.js';
import { loadTenantsFile } from './tenants.js';
import { settingNumber } from '../env-number.js';

/** Security options plus the lines `server.ts` prints about them at start. */
export interface LoadedSecurity {
  readonly options: SecurityOptions;
  readonly notes: readonly string[];
}

/**
 * Security settings for the server from the environment and flags:
 * tenants from `--tenants-file` or `RTCPULSE_TENANTS_FILE` (the zero-config
 * `demo` tenant when neither is set), the audit HMAC key from
 * `RTCPULSE_AUDIT_HMAC_KEY` or the key file (`RTCPULSE_AUDIT_KEY_FILE`,
 * default `audit-hmac.key` beside the embedded data directory `dataDir`
 * (the `--data-dir` flag, default `.data/clickhouse`, so `.data/audit-hmac.key`),
 * generated on first start; see `loadAuditKey`), the region from
 * `RTCPULSE_REGION` and the audit writer id from `RTCPULSE_INSTANCE_ID`.
 * Throws on an unreadable or invalid file or id.
 */
export function securityFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { tenantsFile?: string; cwd?: string; dataDir?: string; store?: StoreConfig } = {},
): LoadedSecurity {
  const cwd = options.cwd ?? process.cwd();
  const notes: string[] = [];
  const tenantsFile = options.tenantsFile ?? env.RTCPULSE_TENANTS_FILE;
  const tenants = tenantsFile ? loadTenantsFile(resolve(cwd, tenantsFile)) : undefined;
  notes.push(
    tenants
      ? `tenants: ${tenants.tenants.length} from ${tenantsFile ?? ''}`
      : 'tenants: none configured, using the demo tenant (public key "demo", same-origin and localhost pages only)',
  );
  // The store config the server already worked out, when it passes it; else the same from env and `dataDir`.
  const store = options.store ?? storeConfigFromEnv(env, { cwd, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  const auditKey = loadAuditKey(env, { cwd, store });
  if (auditKey.source === 'generated') {
    notes.push(`audit HMAC key: generated a new key in ${auditKey.path ?? ''}; keep it apart from the data and back it up`);
  } else if (auditKey.defaultPath) {
    notes.push(
      `audit HMAC key: from ${auditKey.path ?? ''}, where it was kept before the key followed the data directory; ` +
        `move it to ${auditKey.defaultPath}, or set RTCPULSE_AUDIT_KEY_FILE to keep it where it is`,
    );
  } else {
    notes.push(`audit HMAC key: from ${auditKey.source === 'env' ? 'RTCPULSE_AUDIT_HMAC_KEY' : (auditKey.path ?? '')}`);
  }
  return {
    options: {
      ...(tenants ? { tenants } : {}),
      auditKey,
      ...(env.RTCPULSE_REGION ? { region: env.RTCPULSE_REGION } : {}),
      ...(env.RTCPULSE_INSTANCE_ID ? { auditWriter: checkWriterId(env.RTCPULSE_INSTANCE_ID) } : {}),
      ...(env.RTCPULSE_AUDIT_KEY_CHANGED === '1' ? { auditKeyChanged: true } : {}),
      ...(completenessSeconds(env.RTCPULSE_COMPLETENESS_INTERVAL_S) ?? {}),
    },
    notes,
  };
}

/** `RTCPULSE_COMPLETENESS_INTERVAL_S` as the plugin option; throws unless a positive number of seconds. */
function completenessSeconds(text: string | undefined): { completenessIntervalMs: number } | undefined {
  const seconds = settingNumber('RTCPULSE_COMPLETENESS_INTERVAL_S', text, { what: 'a positive number of seconds', above: 0 });
  return seconds === undefined ? undefined : { completenessIntervalMs: seconds * 1000 };
}
