import { AUDIT_INTEGRITY } from './audit-integrity.js';
import { COST_RUNAWAY } from './cost-compliance.js';
import { SIMULCAST_UNTUNED } from './entries-cost.js';
import { EGRESS_DOMINATES } from './entry-egress-cost.js';
import { CONSENT_EXPIRY } from './entry-consent-expiry.js';
import { SLOW_STARTUP_BITRATE, SVC_FLICKER } from './entries-bitrate.js';
import { HYBRID_AV_DRIFT, SPEECH_SUPPRESSED } from './entries-media.js';
import { BLUETOOTH_FIRST_CALL, CLIENT_SIDE_RECORDING } from './entries-ops.js';
import { DTLS_SMALL_MTU, TURN_COLD_START } from './entries-setup.js';
import { TURN_ALLOCATION_LEAK } from './entries-turn.js';
import { QUALITY_PERCENTILES } from './quality.js';
import { RELIABILITY_SLOS } from './slo.js';
import type { AlertRule, RunbookPage } from './types.js';

/** The twelve entries of the failure-mode playbook, in playbook order. */
export const PLAYBOOK: readonly RunbookPage[] = [
  TURN_COLD_START,
  DTLS_SMALL_MTU,
  CONSENT_EXPIRY,
  SIMULCAST_UNTUNED,
  CLIENT_SIDE_RECORDING,
  SPEECH_SUPPRESSED,
  HYBRID_AV_DRIFT,
  EGRESS_DOMINATES,
  SLOW_STARTUP_BITRATE,
  TURN_ALLOCATION_LEAK,
  SVC_FLICKER,
  BLUETOOTH_FIRST_CALL,
];

/** Fleet-level pages of the four metric families (quality, errors, cost, compliance). */
export const FAMILY_PAGES: readonly RunbookPage[] = [QUALITY_PERCENTILES, RELIABILITY_SLOS, COST_RUNAWAY, AUDIT_INTEGRITY];

/** Every runbook page: the playbook entries, then the family pages. */
export const RUNBOOK: readonly RunbookPage[] = [...PLAYBOOK, ...FAMILY_PAGES];

/** A rule together with the page that owns it. */
export interface PagedRule {
  readonly page: RunbookPage;
  readonly rule: AlertRule;
}

/** Every rule of every page, in page order. */
export function allRules(pages: readonly RunbookPage[] = RUNBOOK): PagedRule[] {
  return pages.flatMap((page) => page.rules.map((rule) => ({ page, rule })));
}

/** Look a rule up by id (throws when unknown, so a typo fails loudly). */
export function ruleById(id: string): PagedRule {
  const found = allRules().find((r) => r.rule.id === id);
  if (!found) throw new Error(`no alert rule with id "${id}"`);
  return found;
}
