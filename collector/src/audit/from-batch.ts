import { createHash } from 'node:crypto';
import type { ReportBatch } from '@rtcpulse/schema';
import type { AuditLogAction, AuditRecord } from './record.js';

/** Client audit actions (`audit` event `name` on the wire) and what the log calls them. */
export const CLIENT_AUDIT_ACTIONS: Readonly<Record<string, AuditLogAction>> = {
  join: 'session.join',
  leave: 'session.leave',
  'recording.consent.granted': 'consent.granted',
  'recording.consent.withdrawn': 'consent.withdrawn',
  'screenshare.start': 'screenshare.start',
  'screenshare.stop': 'screenshare.stop',
};

/** Where a report came from, for the audit rows it produces. */
export interface ReportSource {
  readonly route: string;
  readonly origin?: string;
  readonly ip?: string;
}

/** Dedup key of the `index`-th event of a batch: a retried batch yields the same keys. */
export function batchEventKey(batch: ReportBatch, index: number): string {
  return createHash('sha256').update(JSON.stringify([batch.sessionId, batch.batchSeq, index])).digest('hex').slice(0, 32);
}

/**
 * The audit records carried by an accepted batch: one per `audit` event
 * with a known action, in event order. `batch.tenant` must already be the
 * tenant id and timestamps already corrected for clock skew. The actor is
 * the participant (pseudonymised when the row is built).
 */
export function auditRecordsFromBatch(batch: ReportBatch, source: ReportSource): AuditRecord[] {
  const records: AuditRecord[] = [];
  batch.events.forEach((event, index) => {
    if (event.type !== 'audit') return;
    const action = CLIENT_AUDIT_ACTIONS[event.name ?? ''];
    if (!action) return;
    records.push({
      tenant: batch.tenant,
      action,
      outcome: 'success',
      ts: event.ts,
      actor: { kind: 'participant', id: batch.participantId },
      route: source.route,
      ...(batch.meta.region ? { region: batch.meta.region } : {}),
      source: { ...(source.origin ? { origin: source.origin } : {}), ...(source.ip ? { ip: source.ip } : {}) },
      sessionId: batch.sessionId,
      callId: batch.callId,
      object: action.startsWith('consent.') ? 'recording' : '',
      details: { ...(event.state ? { consent: event.state } : {}), ...(event.pc ? { pc: event.pc } : {}) },
      dedupKey: batchEventKey(batch, index),
    });
  });
  return records;
}
