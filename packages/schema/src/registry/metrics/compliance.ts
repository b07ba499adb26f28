import type { MetricDefinition } from '../types.js';
import { CLIENT } from './attributes.js';

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
] as const satisfies readonly MetricDefinition[];
