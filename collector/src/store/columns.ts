import { LABEL, type ColumnSpec } from './table-spec.js';

/** Client facts every row of a session carries. */
export const CLIENT_META: readonly ColumnSpec[] = [
  { name: 'sdk_version', type: LABEL },
  { name: 'browser', type: LABEL },
  { name: 'browser_version', type: LABEL },
  { name: 'os', type: LABEL },
  { name: 'region', type: LABEL },
  { name: 'topology', type: LABEL },
];

/** Tenant, session, call and participant ids. */
export const SESSION_IDS: readonly ColumnSpec[] = [
  { name: 'tenant', type: LABEL },
  { name: 'session_id', type: 'String' },
  { name: 'call_id', type: 'String' },
  { name: 'participant_id', type: 'String' },
];
