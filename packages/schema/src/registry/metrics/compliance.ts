import type { MetricDefinition } from '../types.js';
import { CLIENT } from './attributes.js';

/** The audit completeness gauges' instrument names, for the collector job that sets them. */
export const AUDIT_COMPLETENESS_METRIC_NAMES = {
  joinsWithoutLeave: 'webrtc.audit.joins_without_leave',
  recordingsWithoutConsent: 'webrtc.audit.recordings_without_consent',
} as const;

/** Compliance: what an auditor sees. The consent state itself travels on every batch (`consent`). */
export const COMPLIANCE_METRICS = [
  {
    key: 'audit_events',
    name: 'webrtc.audit.events',
    unit: '{event}',
    family: 'compliance',
    scope: 'event',
    event: 'audit',
    instrument: 'counter',
    attributes: [...CLIENT, 'audit.action'],
    description: 'Client-side audit events: join, leave, recording consent granted or withdrawn, screen share start and stop.',
  },
  {
    key: 'audit_joins_without_leave',
    name: AUDIT_COMPLETENESS_METRIC_NAMES.joinsWithoutLeave,
    unit: '{session}',
    family: 'compliance',
    scope: 'collector',
    instrument: 'gauge',
    attributes: ['tenant'],
    description:
      'Audit completeness: sessions that joined in the last 28 hours and have no leave although their last join is over 4 hours old (the sessions AuditJoinWithoutLeave counts), per tenant; computed from the audit log by each collector every few minutes.',
  },
  {
    key: 'audit_recordings_without_consent',
    name: AUDIT_COMPLETENESS_METRIC_NAMES.recordingsWithoutConsent,
    unit: '{recording}',
    family: 'compliance',
    scope: 'collector',
    instrument: 'gauge',
    attributes: ['tenant'],
    description:
      'Audit completeness: recordings started in the last hour without the consent of every participant present while they ran (what RecordingWithoutConsent counts), per tenant; computed from the audit log by each collector every few minutes.',
  },
] as const satisfies readonly MetricDefinition[];
